/**
 * Non-responders and reminder runs over HTTP on the local runtime: the call list holds exactly the
 * active assignments without a submission (unit-scoped, names and phones for admins and operators),
 * and a reminder run writes one outbox message per reachable one — none for who answered or whose
 * link was revoked — and nothing twice on a re-run the same day.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE_IDS, getTemplate } from '../../shared/domain/index.ts';
import { api, unique } from './support/api.ts';
import {
  drawAndOpen,
  type OfficialRow,
  people,
  rosterCsv,
  tokenFor,
  uploadRoster,
} from './support/round-flow.ts';

const questions = getTemplate(DEFAULT_TEMPLATE_IDS.SIPAS).sections.flatMap((s) => s.questions);
const answersAll = (level: number): Record<string, unknown> => {
  const answers: Record<string, unknown> = {};
  for (const q of questions) {
    if (q.type === 'scale') answers[q.id] = level;
    else if (q.required && q.type === 'single') answers[q.id] = q.options?.[0]?.value;
    else if (q.required && q.type === 'multi') answers[q.id] = [q.options?.[0]?.value];
    else if (q.required && q.type === 'text') answers[q.id] = 'Ý kiến';
  }
  return answers;
};

interface OutboxMessage {
  to: string;
  template: string;
  idempotencyKey: string;
  text: string;
  params: Record<string, string>;
}

const outboxOf = async (roundId: string): Promise<OutboxMessage[]> => {
  const dir = process.env.DIEUTRA_OUTBOX_DIR;
  if (!dir) throw new Error('DIEUTRA_OUTBOX_DIR is not set by the local runtime');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
  const all = await Promise.all(
    names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as OutboxMessage),
  );
  return all.filter((m) => m.idempotencyKey.startsWith(`reminder:${roundId}:`));
};

describe('non-responders and reminders', () => {
  let roundId = '';
  let sampleId = '';
  let official: OfficialRow[] = [];
  // M1: A answers, B is replaced by the reserve C; M2: D (mobile) and E (landline) do nothing.
  let a: OfficialRow;
  let b: OfficialRow;
  let d: OfficialRow;

  beforeAll(async () => {
    const created = await api('POST', '/api/rounds', {
      body: {
        name: unique('Nhắc trả lời'),
        year: 2026,
        kind: 'SIPAS',
        units: [
          { code: 'M1', name: 'UBND phường Nhắc Một', type: 'ward' },
          // A unit name that a spreadsheet would run as a formula.
          { code: 'M2', name: '@UBND xã Nhắc Hai', type: 'commune' },
        ],
        fields: [{ code: 'tu-phap', name: 'Tư pháp' }],
        settings: { dailyReminders: true },
      },
    });
    roundId = created.json.roundId;
    const m2 = [
      { unit: 'M2', field: 'Tư pháp', name: 'Đinh Văn Di Động', phone: '0987000111' },
      { unit: 'M2', field: 'Tư pháp', name: 'Hồ Thị Bàn', phone: '024 3825 1234' },
    ];
    await uploadRoster(roundId, rosterCsv([...people('M1', 'Tư pháp', 4, 3), ...m2]));
    ({ sampleId, official } = await drawAndOpen(roundId, { official: 2, reserve: 1 }));
    expect(official.map((o) => o.unitCode)).toEqual(['M1', 'M1', 'M2', 'M2']);
    [a, b] = official as [OfficialRow, OfficialRow];
    d = official.find((o) => o.name === 'Đinh Văn Di Động') as OfficialRow;
    const answered = await api('POST', '/api/submissions', {
      token: null,
      body: { token: a.token, answers: answersAll(4) },
    });
    expect(answered.status).toBe(201);
    const replaced = await api('POST', `/api/rounds/${roundId}/samples/${sampleId}/substitutions`, {
      body: { unitCode: 'M1', fieldCode: 'tu-phap', rank: b.rank, reason: 'UNREACHABLE' },
    });
    expect(replaced.status).toBe(200);
  });

  it('lists exactly the active respondents without a submission, unit-scoped', async () => {
    const list = await api('GET', `/api/rounds/${roundId}/non-responders`);
    expect(list.status).toBe(200);
    const rows = list.json.items as Array<{
      unitCode: string;
      list: string;
      name: string;
      phone: string;
      phoneKind: string;
    }>;
    expect(rows.map((r) => `${r.unitCode} ${r.list}`)).toEqual(['M1 reserve', 'M2 official', 'M2 official']);
    const names = rows.map((r) => r.name);
    expect(names).not.toContain(a.name);
    expect(names).not.toContain(b.name);
    expect(names).toContain('Đinh Văn Di Động');
    expect(names).toContain('Hồ Thị Bàn');
    expect(list.json.byUnit).toEqual({ M1: 1, M2: 2 });
    expect((await api('GET', `/api/rounds/${roundId}/non-responders?unit=M2`)).json.total).toBe(2);

    const focal = await api('GET', `/api/rounds/${roundId}/non-responders`, {
      token: await tokenFor(['operator'], ['M1']),
    });
    expect(focal.json.items.map((r: { unitCode: string }) => r.unitCode)).toEqual(['M1']);
    expect(focal.json.items[0].phone).toMatch(/^\+849/);
    const viewer = await api('GET', `/api/rounds/${roundId}/non-responders`, {
      token: await tokenFor(['viewer']),
    });
    expect(viewer.json.total).toBe(3);
    expect(viewer.json.withPersonalData).toBe(false);
    expect(JSON.stringify(viewer.json)).not.toContain('Đinh Văn');
    expect(
      (await api('GET', `/api/rounds/${roundId}/non-responders.csv`, { token: await tokenFor(['viewer']) }))
        .status,
    ).toBe(403);
  });

  it('exports the call list as formula-safe CSV', async () => {
    const csv = await api('GET', `/api/rounds/${roundId}/non-responders.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'STT,Mã đơn vị,Đơn vị,Lĩnh vực,Danh sách,Thứ tự,Họ và tên,Số điện thoại,Mã phiếu giấy,Số lần đã nhắc,Lần nhắc gần nhất',
    );
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain(",'@UBND xã Nhắc Hai,");
    expect(lines.some((l) => l.includes(d.phone))).toBe(true);
  });

  it('a reminder run writes one outbox message per reachable non-responder, none for answered or revoked', async () => {
    // The daily job (EventBridge Scheduler / the local ticker) runs rounds that ask for it.
    const { handler } = await import('../../services/rounds/handlers/reminders.ts');
    const job = await handler({}, { awsRequestId: unique('remind') } as Context);
    const run = job.runs.find((r) => r.roundId === roundId);
    expect(run).toMatchObject({ nonResponders: 3, sent: 2, alreadySent: 0, unreachable: 1, failed: 0 });

    const messages = await outboxOf(roundId);
    expect(messages).toHaveLength(2);
    const list = (await api('GET', `/api/rounds/${roundId}/non-responders`)).json.items as Array<{
      phone: string;
      phoneKind: string;
      reminders: number;
    }>;
    const mobiles = list
      .filter((r) => r.phoneKind === 'mobile')
      .map((r) => r.phone)
      .sort();
    expect(messages.map((m) => m.to).sort()).toEqual(mobiles);
    expect(messages.map((m) => m.to)).not.toContain(b.phone);
    expect(messages.map((m) => m.to)).not.toContain(a.phone);
    const toD = messages.find((m) => m.to === d.phone);
    expect(toD?.template).toBe('survey-reminder');
    expect(toD?.text).toContain(`/f/${d.token}`);
    expect(list.filter((r) => r.reminders === 1)).toHaveLength(2);

    // The same day again (by hand this time): nothing sent twice.
    const again = await api('POST', `/api/rounds/${roundId}/reminders`);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ nonResponders: 3, sent: 0, alreadySent: 2, unreachable: 1 });
    expect(await outboxOf(roundId)).toHaveLength(2);
  });

  it('each message is recorded and audited without its content', async () => {
    const records = await api('GET', `/api/rounds/${roundId}/reminders`);
    expect(Object.values(records.json.byDay)).toEqual([{ sent: 2 }]);
    const audit = await api('GET', `/api/rounds/${roundId}/audit?action=REMINDER_SENT`);
    expect(audit.json.items).toHaveLength(2);
    const text = JSON.stringify([records.json, audit.json]);
    for (const m of await outboxOf(roundId)) {
      expect(text).not.toContain(m.to);
      expect(text).not.toContain(m.params.link ?? 'no-link');
    }
    expect(text).not.toContain('Đinh Văn');
  });

  it('refuses a reminder run for a round that is not in the field', async () => {
    const other = await api('POST', '/api/rounds', {
      body: {
        name: 'Chưa khảo sát',
        year: 2026,
        kind: 'SIPAS',
        units: [{ code: 'Z', name: 'Z' }],
        fields: [{ name: 'F' }],
      },
    });
    const res = await api('POST', `/api/rounds/${other.json.roundId}/reminders`);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('ROUND_NOT_OPEN');
  });
});
