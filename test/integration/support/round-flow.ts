/**
 * A round taken through the lifecycle over HTTP for the rounds tests: created, roster uploaded,
 * rosters closed, drawn, SAMPLED, IN_FIELD, official list exported (tokens by unit and rank).
 */
import { expect } from 'vitest';
import { consoleJwtKey, signConsoleJwt } from '../../../infra/local/authorizer.ts';
import { api, devToken, importCompleted, sampleCompleted } from './api.ts';
import { listLinks } from './drawn.ts';

/** A signed console token with these roles and units (as the local console's dev sign-in issues). */
export const tokenFor = (roles: string[], units: string[] = ['*'], sub = `test-${roles.join('-')}`) =>
  signConsoleJwt(consoleJwtKey(devToken()), { sub, name: sub, roles, units });

export const rosterCsv = (rows: Array<{ unit: string; field: string; name: string; phone: string }>) =>
  [
    'STT;Họ và tên;Số điện thoại;Mã hồ sơ;Lĩnh vực;Mã đơn vị;Ngày trả kết quả',
    ...rows.map(
      (r, i) => `${i + 1};${r.name};${r.phone};HS-${i + 1};${r.field};${r.unit};0${1 + (i % 9)}/03/2026`,
    ),
  ].join('\r\n');

export const people = (unit: string, field: string, n: number, offset = 0) =>
  Array.from({ length: n }, (_, i) => ({
    unit,
    field,
    name: `Người Thử ${unit} ${offset + i + 1}`,
    phone: `09${String(offset * 100 + 1000000 + i).padStart(8, '0')}`,
  }));

export const transition = (roundId: string, to: string, reason?: string, token?: string) =>
  api('POST', `/api/rounds/${roundId}/transitions`, {
    body: reason === undefined ? { to } : { to, reason },
    ...(token ? { token } : {}),
  });

export const uploadRoster = async (roundId: string, csv: string, override?: string) => {
  const res = await api(
    'POST',
    `/api/rounds/${roundId}/rosters?filename=ds.csv${override ? `&override=${encodeURIComponent(override)}` : ''}`,
    { raw: csv },
  );
  if (res.status !== 202) return res;
  await importCompleted(roundId, res.json.importId);
  return res;
};

export interface OfficialRow {
  unitCode: string;
  rank: number;
  name: string;
  phone: string;
  token: string;
}

/** Draw (after closing rosters) and move into the field; returns the official list with tokens. */
export const drawAndOpen = async (
  roundId: string,
  quota: { official: number; reserve: number },
): Promise<{ sampleId: string; official: OfficialRow[] }> => {
  expect((await transition(roundId, 'ROSTERS_CLOSED')).status).toBe(200);
  const req = await api('POST', `/api/rounds/${roundId}/samples`, {
    body: { seed: `seed-${roundId}`, officialPerStratum: quota.official, reservePerStratum: quota.reserve },
  });
  expect(req.status).toBe(202);
  const sampleId = req.json.sampleId as string;
  await sampleCompleted(roundId, sampleId);
  expect((await transition(roundId, 'SAMPLED')).status).toBe(200);
  expect((await transition(roundId, 'IN_FIELD')).status).toBe(200);
  return { sampleId, official: await officialList(roundId, sampleId) };
};

export const officialList = async (roundId: string, sampleId: string): Promise<OfficialRow[]> => {
  const csv = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/official.csv`);
  expect(csv.status).toBe(200);
  return listLinks(csv.text).map(({ unit, rank, name, phone, token }) => ({
    unitCode: unit,
    rank,
    name,
    phone,
    token,
  }));
};
