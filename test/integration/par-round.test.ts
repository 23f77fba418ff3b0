/**
 * A provincial PAR round through the same pipeline: officials' roster → sample → A/B/C/D
 * answers → option-weighted points per rated unit, grade and rank (methodology.md §6.5).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE_IDS, getTemplate } from '../../shared/domain/index.ts';
import { api, eventually } from './support/api.ts';
import { createDepartmentsParRound, drawnTokens, smallRoster } from './support/drawn.ts';

const template = getTemplate(DEFAULT_TEMPLATE_IDS.PAR);
const scored = template.sections.flatMap((s) => s.questions).filter((q) => q.maxPoints !== undefined);
const answering = (option: string) => Object.fromEntries(scored.map((q) => [q.id, option]));

describe('PAR round end to end', () => {
  let roundId = '';
  const tokens: Record<string, string[]> = {};

  beforeAll(async () => {
    roundId = await createDepartmentsParRound('Chỉ số CCHC sở, ngành');
    const roster = smallRoster({
      person: 'Cán bộ',
      phone: '09130000',
      dossier: 'P',
      field: 'lanh-dao',
      units: [
        ['SNV', 3],
        ['STP', 3],
      ],
    });
    Object.assign(tokens, await drawnTokens(roundId, roster, { seed: 'par', officialPerStratum: 3 }));
  });

  it('scores option-weighted points, grades and ranks the rated units', async () => {
    // Sở Tư pháp: A, A, B on every item → mean weight (1 + 1 + 0.6)/3 = 0.8667 → 86.67 % → band B, rank 1.
    // Sở Nội vụ: A, C and one form left unanswered → (1 + 0.2)/2 = 0.6 → 60 % → below 70, rank 2.
    const plan: Array<[string, number, string]> = [
      ['STP', 0, 'A'],
      ['STP', 1, 'A'],
      ['STP', 2, 'B'],
      ['SNV', 0, 'A'],
      ['SNV', 1, 'C'],
    ];
    for (const [unit, i, option] of plan) {
      const res = await api('POST', '/api/submissions', {
        token: null,
        body: { token: tokens[unit]![i], answers: answering(option) },
      });
      expect(res.status).toBe(201);
    }
    const run = await api('POST', `/api/rounds/${roundId}/scoring`);
    const results = await eventually('PAR results', async () => {
      const r = await api('GET', `/api/rounds/${roundId}/results`);
      return r.json?.latest?.runId === run.json.runId ? r.json.latest : undefined;
    });
    expect(results.kind).toBe('PAR');
    const byUnit = Object.fromEntries(results.units.map((u: { unitCode: string }) => [u.unitCode, u]));
    expect(byUnit.STP).toMatchObject({
      index: 86.67,
      rank: 1,
      grade: { code: 'B' },
      counts: { issued: 3, returned: 3 },
    });
    expect(byUnit.SNV).toMatchObject({
      index: 60,
      rank: 2,
      grade: { code: 'D' },
      counts: { issued: 3, returned: 2 },
    });
    const max = scored.reduce((s, q) => s + (q.maxPoints ?? 0), 0);
    expect(byUnit.STP.applicableMax).toBeCloseTo(max, 2);
    expect(byUnit.STP.points).toBeCloseTo((max * 2.6) / 3, 2);
  });

  it('refuses scoring rules that the methodology does not know or that do not add up', async () => {
    const base = { name: 'x', year: 2026, units: [{ code: 'A', name: 'A' }], fields: [{ name: 'F' }] };
    const unknownKey = await api('POST', '/api/rounds', {
      body: { ...base, kind: 'SIPAS', scoringRules: { minValidShar: 0.6 } },
    });
    expect(unknownKey.status).toBe(400);
    expect(unknownKey.json.error.details[0]).toMatchObject({
      path: 'scoringRules.minValidShar',
      code: 'UNKNOWN_SETTING',
    });
    const weights = await api('POST', '/api/rounds', {
      body: {
        ...base,
        kind: 'SIPAS',
        scoringRules: {
          aggregation: 'weighted',
          weights: { level: 'aspect', values: { CS: 0.4, DV: 0.5 }, declaredTotal: 1 },
        },
      },
    });
    expect(weights.status).toBe(400);
    expect(weights.json.error.code).toBe('INVALID_CONFIG');
    expect(JSON.stringify(weights.json.error.details)).toContain('weights');
    const par = await api('POST', '/api/rounds', {
      body: { ...base, kind: 'PAR', scoringRules: { optionWeights: { A: 1.5 } } },
    });
    expect(par.status).toBe(400);
    const tooEarly = await api('POST', '/api/rounds', { body: { ...base, year: 2015, kind: 'SIPAS' } });
    expect(tooEarly.status).toBe(400);
    expect(tooEarly.json.error.details[0].code).toBe('NO_METHODOLOGY');
    const ok = await api('POST', '/api/rounds', {
      body: { ...base, kind: 'SIPAS', scoringRules: { minValidShare: 0.75 } },
    });
    expect(ok.status).toBe(201);
    expect(ok.json.round.scoringRules).toEqual({ minValidShare: 0.75 });
  });
});
