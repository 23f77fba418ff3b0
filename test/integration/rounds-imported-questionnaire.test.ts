/**
 * A round on the imported 51-item questionnaire (docs/examples/sipas-2026-questionnaire.csv), through
 * the lifecycle over HTTP: its form shows the imported items, answers are validated by it (a wrong
 * option refused, a full valid set accepted) and scoring follows its elements and items.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, unique } from './support/api.ts';
import {
  drawAndOpen,
  type OfficialRow,
  people,
  rosterCsv,
  transition,
  uploadRoster,
} from './support/round-flow.ts';

interface Question {
  id: string;
  type: string;
  required: boolean;
  scored?: boolean;
  element?: string;
  options?: Array<{ value: string | number }>;
}

const EXAMPLE = readFileSync('docs/examples/sipas-2026-questionnaire.csv', 'utf8');

describe('a round on the imported 51-item questionnaire', () => {
  const qid = unique('q51')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');
  let roundId = '';
  let official: OfficialRow[] = [];
  let questions: Question[] = [];
  let elementCodes: string[] = [];

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

  beforeAll(async () => {
    const imported = await api('POST', '/api/questionnaires', {
      raw: EXAMPLE.replace('Mã mẫu phiếu,sipas-2026-v1', `Mã mẫu phiếu,${qid}`),
    });
    expect(imported.status).toBe(201);
    expect(imported.json.satisfactionItems).toBe(51);
    const stored = await api('GET', `/api/questionnaires/${qid}/1`);
    questions = stored.json.template.sections.flatMap((s: { questions: Question[] }) => s.questions);
    elementCodes = stored.json.template.elements.map((e: { code: string }) => e.code).sort();
    const created = await api('POST', '/api/rounds', {
      body: {
        name: 'SIPAS 2026 theo mẫu nhập 51 câu',
        year: 2026,
        kind: 'SIPAS',
        questionnaire: { id: qid, version: 1 },
        units: [
          { code: 'Q1', name: 'UBND phường Hòa Bình', type: 'ward' },
          { code: 'Q2', name: 'UBND xã An Phú', type: 'commune' },
        ],
        fields: [{ code: 'tu-phap', name: 'Tư pháp' }],
      },
    });
    expect(created.status).toBe(201);
    roundId = created.json.roundId;
    await uploadRoster(roundId, rosterCsv([...people('Q1', 'Tư pháp', 4), ...people('Q2', 'Tư pháp', 4, 7)]));
    ({ official } = await drawAndOpen(roundId, { official: 3, reserve: 1 }));
    expect(official).toHaveLength(6);
  });

  it('renders the form with the imported items', async () => {
    const page = await api('GET', `/f/${official[0]?.token}`, { token: null });
    expect(page.status).toBe(200);
    const scale = questions.filter((q) => q.type === 'scale');
    expect(scale).toHaveLength(51);
    for (const q of scale) expect(page.text).toContain(`name="${q.id}"`);
    // Items only the imported form has (the built-in 2024 template has no p1_5 nor nd_8).
    expect(page.text).toContain('name="p1_5"');
    expect(page.text).toContain('name="nd_8"');
  });

  it('validates answers by it: a wrong option refused, a full valid set accepted', async () => {
    const single = questions.find((q) => q.type === 'single' && q.id === 'tt_tuoi');
    expect(single).toBeDefined();
    const token = official[0]?.token ?? '';
    const wrong = await api('POST', '/api/submissions', {
      token: null,
      body: { token, answers: { ...answersAll(5), tt_tuoi: 9 } },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.details.map((d: { path: string }) => d.path)).toContain('tt_tuoi');
    // An item of the built-in template that the imported form does not have is unknown here.
    const foreign = await api('POST', '/api/submissions', {
      token: null,
      body: { token, answers: { ...answersAll(5), khong_co_cau_nay: 3 } },
    });
    expect(foreign.status).toBe(400);
    const ok = await api('POST', '/api/submissions', {
      token: null,
      body: { token, answers: answersAll(5) },
    });
    expect(ok.status).toBe(201);
    const second = await api('POST', '/api/submissions', {
      token: null,
      body: { token: official[1]?.token, answers: answersAll(2) },
    });
    expect(second.status).toBe(201);
    const other = official.find((o) => o.unitCode === 'Q2');
    const third = await api('POST', '/api/submissions', {
      token: null,
      body: { token: other?.token, answers: answersAll(4) },
    });
    expect(third.status).toBe(201);
  });

  it('scores by it: results carry its elements and its 51 items', async () => {
    expect((await transition(roundId, 'CLOSED')).status).toBe(200);
    const run = await api('POST', `/api/rounds/${roundId}/scoring`);
    expect(run.status).toBe(202);
    const results = await eventually('results of this run', async () => {
      const r = await api('GET', `/api/rounds/${roundId}/results`);
      return r.json?.latest?.runId === run.json.runId ? r.json : undefined;
    });
    const q1 = results.latest.units.find((u: { unitCode: string }) => u.unitCode === 'Q1');
    const q2 = results.latest.units.find((u: { unitCode: string }) => u.unitCode === 'Q2');
    expect(q1.items).toHaveLength(51);
    expect(q1.elements.map((e: { code: string }) => e.code).sort()).toEqual(elementCodes);
    // Q1: one form all 5s (satisfied), one all 2s (not) → 50; Q2: one form all 4s → 100.
    expect(q1.index).toBe(50);
    expect(q1.counts).toMatchObject({ issued: 3, returned: 2, valid: 2 });
    expect(q2.index).toBe(100);
  });
});
