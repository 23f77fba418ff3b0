/** Roster-intake helpers for integration tests: a round, an upload, its completion, the read-back. */
import { expect } from 'vitest';
import { type ApiResponse, api, eventually, unique } from './api.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const createRosterRound = async (
  units: string[],
  extra: Record<string, unknown> = {},
): Promise<string> => {
  const created = await api('POST', '/api/rounds', {
    body: {
      name: unique('intake'),
      year: 2026,
      kind: 'SIPAS',
      units: units.map((code) => ({ code, name: `Đơn vị ${code}` })),
      fields: [
        { code: 'TP', name: 'Tư pháp' },
        { code: 'DD', name: 'Đất đai' },
      ],
      ...extra,
    },
  });
  expect(created.status, created.text).toBe(201);
  return created.json.roundId;
};

/** The header of the large rosters with addresses (comma-separated, "Địa chỉ" last). */
export const ADDRESSED_HEADER = 'Họ và tên,Số điện thoại,Mã hồ sơ,Lĩnh vực,Mã đơn vị,Ngày hoàn thành,Địa chỉ';
export const ADDRESSED_UNITS = ['U1', 'U2', 'U3', 'U4'];

/**
 * A large roster with addresses, all in Tư pháp, spread over ADDRESSED_UNITS: `line(i)` is person `i`
 * (`name i`, phone 09 + `phoneBase + i`, dossier `dossier` + `i`, a day of `month`, an address in
 * phố `street`); `roster(n)` the header and persons 1 … n.
 */
export const addressedRoster = (p: {
  name: string;
  phoneBase: number;
  dossier: string;
  month: string;
  street: string;
}) => {
  const line = (i: number): string =>
    [
      `${p.name} ${i}`,
      `09${String(p.phoneBase + i).padStart(8, '0')}`,
      `${p.dossier}${i}`,
      'Tư pháp',
      ADDRESSED_UNITS[i % ADDRESSED_UNITS.length],
      `${String((i % 28) + 1).padStart(2, '0')}/${p.month}/2026`,
      `"Số ${i}, ngõ ${i % 97} phố ${p.street}, phường Hàng Bài, quận Hoàn Kiếm, thành phố Hà Nội, Việt Nam"`,
    ].join(',');
  const roster = (rows: number): string =>
    [ADDRESSED_HEADER, ...Array.from({ length: rows }, (_, i) => line(i + 1))].join('\r\n');
  return { line, roster };
};

/** A round over ADDRESSED_UNITS with the one field Tư pháp, named `name`-…; `extra` as createRosterRound's. */
export const createAddressedRound = (name: string, extra: Record<string, unknown> = {}): Promise<string> =>
  createRosterRound(ADDRESSED_UNITS, { name: unique(name), fields: [{ name: 'Tư pháp' }], ...extra });

export const uploadRoster = (
  roundId: string,
  bytes: string | Buffer,
  type = 'text/csv',
  filename = 'danh-sach.csv',
): Promise<ApiResponse> =>
  api('POST', `/api/rounds/${roundId}/rosters?filename=${encodeURIComponent(filename)}`, {
    raw: bytes,
    type,
  });

// biome-ignore lint/suspicious/noExplicitAny: the import JSON as the API returns it
export type ImportJson = any;

/** The import once completed and quality-checked (a file with no valid row has no checks to run). */
export const importDone = (roundId: string, importId: string): Promise<ImportJson> =>
  eventually(
    'import completed and checked',
    async () => {
      const r = await api('GET', `/api/rounds/${roundId}/rosters/${importId}`);
      if (r.json?.status !== 'completed') return undefined;
      return r.json.qualityCheckedAt || r.json.chunkCount === 0 ? r.json : undefined;
    },
    60_000,
  );

/** Uploads and waits; fails on anything but 202. */
export const importRoster = async (
  roundId: string,
  bytes: string | Buffer,
  type = 'text/csv',
  filename = 'danh-sach.csv',
): Promise<ImportJson> => {
  const up = await uploadRoster(roundId, bytes, type, filename);
  expect(up.status, up.text).toBe(202);
  return importDone(roundId, up.json.importId);
};

export interface RespondentJson {
  personKey: string;
  fullName: string;
  phone: string;
  phoneKind: string;
  address: string | null;
  birthYear: number | null;
  sex: string | null;
  warnings: string[];
  dossiers: Array<{
    dossierId: string;
    unitCode: string;
    fieldCode: string;
    completedOn: string;
    row: number;
    importId: string;
    warnings: string[];
  }>;
}

/** Every page of GET …/respondents with `query`. */
export const allRespondents = async (
  roundId: string,
  query = '',
  token?: string,
): Promise<RespondentJson[]> => {
  const out: RespondentJson[] = [];
  let cursor: string | undefined;
  do {
    const q = new URLSearchParams(query);
    q.set('limit', '100');
    if (cursor) q.set('cursor', cursor);
    const res = await api('GET', `/api/rounds/${roundId}/respondents?${q}`, token ? { token } : {});
    expect(res.status, res.text).toBe(200);
    out.push(...res.json.items);
    cursor = res.json.cursor;
  } while (cursor);
  return out;
};

/** Respondents by full name (fails on a name seen twice). */
export const byName = (items: RespondentJson[]): Map<string, RespondentJson> => {
  const map = new Map<string, RespondentJson>();
  for (const item of items) {
    expect(map.has(item.fullName), `one respondent named ${item.fullName}`).toBe(false);
    map.set(item.fullName, item);
  }
  return map;
};

/** A dev user's bearer token (infra/local/dev-users.json), as the console signs in. */
export const devUserToken = async (user: string): Promise<string> => {
  const res = await api('POST', '/ops/auth/dev-login', { body: { user }, token: null });
  expect(res.status, res.text).toBe(200);
  return res.json.token;
};
