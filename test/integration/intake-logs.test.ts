/**
 * Issue 8 §6: no name, phone or address in any log line. A local runtime of its own (in this test
 * process, so every handler runs here) with the logger at DEBUG; every line it writes — the
 * runtime's own logger, the handlers' Powertools logger (stdout/stderr), console — is captured
 * through a full import: upload with good and bad rows, chunk writes, quality checks, staff phones,
 * read-back, report and exports. Then each personal value of the roster, in every spelling, is
 * searched for in the capture.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalLogger } from '../../infra/local/log.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';

const TOKEN = 'intake-logs-token-0123456789';

const NAMES = ['Nguyễn Thị Hoà Bình', 'Trần Văn Khải', 'Lê Hữu Phước', 'Phạm Thu Trang', 'Đoàn Minh Quân'];
const PHONES = ['0912 837 465', '0987.654.310', '0335112233', '0335112233', '0335112233'];
const ADDRESSES = ['Số 17 ngõ Tràng Tiền', 'Thôn Yên Lãng xã Hòa Bình', 'Tổ 9 phường Quang Trung', '', ''];

const ROSTER = [
  'Họ và tên,Số điện thoại,Mã hồ sơ,Lĩnh vực,Mã đơn vị,Ngày hoàn thành,Địa chỉ,Năm sinh',
  ...NAMES.map((n, i) => `${n},${PHONES[i]},L${i + 1},TP,U1,0${i + 1}/02/2026,${ADDRESSES[i]},198${i}`),
  // Rejected rows carry personal values too: a bad phone, a bad date, a duplicate dossier.
  'Vũ Đức Thắng,0912 83,L9,TP,U1,01/02/2026,Xóm Chợ Giàu,1970',
  'Hồ Ngọc Diệp,0904556677,L10,TP,U1,31/02/2026,Khu tập thể Kim Liên,1971',
  'Lý Thanh Tâm,0904556688,L1,TP,U1,01/02/2026,Ngách 5 Hoàng Cầu,1972',
].join('\r\n');

/** Every spelling of every personal value of the roster. */
const secrets = (): string[] => {
  const phones = [
    '0912 837 465',
    '0987.654.310',
    '0335112233',
    '0912 83',
    '0904556677',
    '0904556688',
    '0903111222',
  ];
  // Digit runs shorter than 9 could occur by chance in ids and timestamps: only full numbers.
  const digits = phones.map((p) => p.replace(/\D/g, '')).filter((d) => d.length >= 9);
  return [
    ...NAMES,
    'Vũ Đức Thắng',
    'Hồ Ngọc Diệp',
    'Lý Thanh Tâm',
    ...NAMES.map((n) => n.split(' ').slice(-2).join(' ')),
    ...ADDRESSES.filter(Boolean),
    'Xóm Chợ Giàu',
    'Kim Liên',
    'Hoàng Cầu',
    ...phones,
    ...digits,
    ...digits.map((d) => `+84${d.slice(1)}`),
    ...digits.map((d) => d.slice(1)),
  ];
};

describe('logs of a full roster import carry no personal data', () => {
  const lines: string[] = [];
  let rt: LocalRuntime;
  const restore: Array<() => void> = [];

  const capture: LocalLogger = {
    info: (m) => lines.push(`[local info] ${m}`),
    warn: (m) => lines.push(`[local warn] ${m}`),
    error: (m, e) =>
      lines.push(`[local error] ${m} ${e instanceof Error ? `${e.message}\n${e.stack}` : String(e)}`),
  };

  const api = async (method: string, path: string, body?: string | object, type?: string) => {
    const res = await fetch(`${rt.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': type ?? 'application/json' }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, text, json: text.startsWith('{') ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
        const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        done?.();
        return true;
      }) as typeof stream.write;
      restore.push(() => {
        stream.write = original as typeof stream.write;
      });
    }
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const original = console[method];
      console[method] = (...args: unknown[]) => {
        lines.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' '));
      };
      restore.push(() => {
        console[method] = original;
      });
    }
    process.env.DIEUTRA_LOG_LEVEL = 'DEBUG';
    rt = await startLocalRuntime({
      port: 0,
      dataDir: null,
      devToken: TOKEN,
      seed: false,
      schedules: false,
      retryDelaySeconds: 1,
      log: capture,
    });
  }, 120_000);

  afterAll(async () => {
    await rt?.stop();
    for (const undo of restore.splice(0).reverse()) undo();
  });

  it('captures the handlers’ lines and finds no name, phone or address in any of them', async () => {
    const round = await api('POST', '/api/rounds', {
      name: 'Đợt kiểm tra nhật ký',
      year: 2026,
      kind: 'SIPAS',
      units: [{ code: 'U1', name: 'Một' }],
      fields: [{ code: 'TP', name: 'Tư pháp' }],
    });
    expect(round.status, round.text).toBe(201);
    const roundId = round.json.roundId as string;
    const staff = await api(
      'POST',
      `/api/rounds/${roundId}/staff-phones`,
      'SĐT\n0903111222\n0987654310\n',
      'text/csv',
    );
    expect(staff.status, staff.text).toBe(200);

    const up = await api('POST', `/api/rounds/${roundId}/rosters`, ROSTER, 'text/csv');
    expect(up.status, up.text).toBe(202);
    const importId = up.json.importId as string;
    let record: { status?: string; qualityCheckedAt?: string; counts?: unknown } = {};
    for (let i = 0; i < 300 && !record.qualityCheckedAt; i++) {
      record = (await api('GET', `/api/rounds/${roundId}/rosters/${importId}`)).json;
      if (!record.qualityCheckedAt) await new Promise((r) => setTimeout(r, 100));
    }
    expect(record.counts).toMatchObject({ read: 8, accepted: 5, rejected: 3 });
    await rt.waitForQueuesIdle({ timeoutMs: 30_000 });

    // Read-back and every download of the import.
    const people = await api('GET', `/api/rounds/${roundId}/respondents?warning=PHONE_SHARED`);
    expect(people.json.items).toHaveLength(3);
    for (const path of [
      'respondents.csv',
      'respondents.xlsx',
      `rosters/${importId}/report.csv`,
      `rosters/${importId}/errors.csv`,
    ]) {
      expect((await api('GET', `/api/rounds/${roundId}/${path}`)).status, path).toBe(200);
    }
    // Refusals go through the error paths (and their logging) too.
    expect(
      (
        await api('POST', `/api/rounds/${roundId}/staff-phones`, {
          phones: ['0912 837 465', 'Trần Văn Khải'],
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await api(
          'POST',
          `/api/rounds/${roundId}/rosters`,
          'Họ và tên,SĐT\nTrần Văn Khải,0912837465\n',
          'text/csv',
        )
      ).status,
    ).toBe(422);

    // The capture really holds the handlers' structured lines (else the search below proves nothing).
    const log = lines.join('\n');
    expect(log).toContain('roster quality checks done');
    expect(log).toContain(importId);
    for (const secret of secrets()) {
      const hit = lines.find((l) => l.includes(secret));
      expect(hit, `"${secret}" appears in a log line`).toBeUndefined();
    }
  }, 180_000);
});
