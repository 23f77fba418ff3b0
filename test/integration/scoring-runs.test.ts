/**
 * Scoring runs over HTTP on the local runtime: `?compare=<earlierRoundId>` against an earlier round of
 * the same units whose questionnaire changed one item, and a run that cannot be scored ends `failed`
 * with its reason (never stuck `requested`).
 */
import { readFileSync } from 'node:fs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamo } from '../../shared/platform/clients.ts';
import { tableName } from '../../shared/platform/config.ts';
import { submissionIndexKey, submissionKey } from '../../shared/tables/submissions.ts';
import { api, eventually, liveCountsReach, unique } from './support/api.ts';
import { compose, type Levels, round2, type Structure, totalsOf } from './support/sipas-expected.ts';

const EXAMPLE = readFileSync('docs/examples/sipas-2026-questionnaire.csv', 'utf8');
const CHANGED_TEXT = 'Cơ quan nhà nước giải thích rõ ràng, dễ hiểu mục tiêu của chính sách';

const importQuestionnaire = async (changeP1_1: boolean): Promise<string> => {
  const id = unique('cmp')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');
  let csv = EXAMPLE.replace('Mã mẫu phiếu,sipas-2026-v1', `Mã mẫu phiếu,${id}`);
  if (changeP1_1) {
    csv = csv.replace(
      '"Cơ quan nhà nước giải thích rõ mục tiêu, nội dung của chính sách"',
      `"${CHANGED_TEXT}"`,
    );
    expect(csv).toContain(CHANGED_TEXT);
  }
  const res = await api('POST', '/api/questionnaires', { raw: csv });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return id;
};

interface Question {
  id: string;
  type: string;
  required?: boolean;
  elementCode?: string;
  options?: Array<{ value: unknown }>;
}
/** Answers to the required questions that are not scale items (as any respondent must give). */
let requiredAnswers: Record<string, unknown> = {};
const structureOf = async (questionnaireId: string): Promise<Structure> => {
  const t = (await api('GET', `/api/questionnaires/${questionnaireId}/1`)).json.template;
  const questions = (t.sections as Array<{ questions: Question[] }>).flatMap((s) => s.questions);
  requiredAnswers = Object.fromEntries(
    questions
      .filter((q) => q.required && q.type !== 'scale')
      .map((q) => [
        q.id,
        q.type === 'single' ? q.options![0]!.value : q.type === 'multi' ? [q.options![0]!.value] : 'Ý kiến',
      ]),
  );
  const items = questions.filter((q) => q.type === 'scale' && q.elementCode !== undefined);
  const elements = t.elements as Array<{ code: string; aspectCode?: string }>;
  const aspects = (t.aspects ?? []) as Array<{ code: string }>;
  return {
    itemIds: items.map((q) => q.id),
    itemElement: items.map((q) => elements.findIndex((e) => e.code === q.elementCode)),
    elementAspect: elements.map((e) => aspects.findIndex((a) => a.code === e.aspectCode)),
    elements: elements.length,
    aspects: aspects.length,
  };
};

const UNITS = [
  { code: 'U1', name: 'UBND phường Một' },
  { code: 'U2', name: 'UBND xã Hai' },
];

/** A scored SIPAS round: 4 persons and 4 official forms per unit (field tp), every form answered. */
const scoredRound = async (questionnaireId: string, structure: Structure, shift: number) => {
  const created = await api('POST', '/api/rounds', {
    body: {
      name: unique('so-sanh'),
      year: 2026,
      kind: 'SIPAS',
      questionnaire: { id: questionnaireId, version: 1 },
      units: UNITS,
      fields: [{ code: 'tp', name: 'Tư pháp' }],
    },
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const roundId = created.json.roundId as string;
  const rows = UNITS.flatMap((u, k) =>
    Array.from({ length: 4 }, (_, j) => {
      const n = k * 4 + j + 1;
      return `${n};Người Dân ${n};09${String(3000000 + n + shift * 10).padStart(8, '0')};C-${n};Tư pháp;${u.code};01/03/2026`;
    }),
  );
  const roster = ['STT;Họ và tên;Số điện thoại;Mã hồ sơ;Lĩnh vực;Mã đơn vị;Ngày trả kết quả', ...rows].join(
    '\r\n',
  );
  const imported = await api('POST', `/api/rounds/${roundId}/rosters?filename=ds.csv`, { raw: roster });
  await eventually('roster imported', async () => {
    const r = await api('GET', `/api/rounds/${roundId}/rosters/${imported.json.importId}`);
    return r.json?.status === 'completed' ? true : undefined;
  });
  const drawn = await api('POST', `/api/rounds/${roundId}/samples`, {
    body: { seed: `so-sanh-${shift}`, officialPerStratum: 4, reservePerStratum: 0 },
  });
  const sampleId = drawn.json.sampleId as string;
  await eventually('sample drawn', async () => {
    const m = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}`);
    return m.json?.status === 'completed' ? true : undefined;
  });
  const lines = (await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/official.csv`)).text
    .replace(/^\ufeff/, '')
    .trim()
    .split('\r\n')
    .slice(1);
  const answered = new Map<string, Levels[]>();
  for (const [j, line] of lines.entries()) {
    const unit = line.split(',')[1]!;
    const token = /\/f\/([A-Za-z0-9_-]+)$/.exec(line)![1]!;
    const levels = structure.itemIds.map((_, i) => 1 + ((i * 2 + j * 3 + shift) % 5));
    const answers = {
      ...requiredAnswers,
      ...Object.fromEntries(structure.itemIds.map((id, i) => [id, levels[i]])),
    };
    const res = await api('POST', '/api/submissions', { token: null, body: { token, answers } });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    answered.set(unit, [...(answered.get(unit) ?? []), levels]);
  }
  await liveCountsReach(roundId, 8);
  const run = await api('POST', `/api/rounds/${roundId}/scoring`);
  expect(run.status).toBe(202);
  await eventually(
    'run completed',
    async () => {
      const r = await api('GET', `/api/rounds/${roundId}/scoring/runs/${run.json.runId}`);
      return r.json?.run?.status === 'completed' ? true : undefined;
    },
    90_000,
  );
  return { roundId, answered };
};

describe('scoring runs', () => {
  it('compares with a named earlier round where the items match; a changed item is not comparable', async () => {
    const earlierQ = await importQuestionnaire(false);
    const laterQ = await importQuestionnaire(true);
    const structure = await structureOf(earlierQ);
    const earlier = await scoredRound(earlierQ, structure, 0);
    const later = await scoredRound(laterQ, structure, 2);

    const res = await api('GET', `/api/rounds/${later.roundId}/results?compare=${earlier.roundId}`);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const c = res.json.comparison;
    expect(c.earlierRoundId).toBe(earlier.roundId);
    expect(c.comparability.items.notComparable).toEqual([
      { questionId: 'p1_1', reason: 'nội dung câu hỏi đã thay đổi so với đợt trước' },
    ]);
    expect(c.comparability.items.comparable).toHaveLength(structure.itemIds.length - 1);
    expect(c.comparability.elements.notComparable).toEqual(['P1']);
    expect(c.comparability.aspects.notComparable).toEqual(['CS']);
    expect(c.comparability.overall).toBe(false);

    const elementCodes = (await api('GET', `/api/questionnaires/${earlierQ}/1`)).json.template.elements.map(
      (e: { code: string }) => e.code,
    );
    for (const unit of UNITS.map((u) => u.code)) {
      const row = c.units.find((u: { unitCode: string }) => u.unitCode === unit);
      expect(row.inEarlierRound).toBe(true);
      expect(row.index).toMatchObject({ comparable: false, earlier: null, change: null });
      const now = totalsOf(structure, later.answered.get(unit)!);
      const then = totalsOf(structure, earlier.answered.get(unit)!);
      const a = compose(structure, now.answered, now.satisfied);
      const b = compose(structure, then.answered, then.satisfied);
      for (const [k, code] of elementCodes.entries()) {
        const el = row.elements.find((e: { code: string }) => e.code === code);
        if (code === 'P1') {
          expect(el).toMatchObject({
            comparable: false,
            current: round2(a.elements[k]!),
            earlier: null,
            change: null,
          });
          continue;
        }
        expect(el, `${unit} ${code}`).toEqual({
          code,
          comparable: true,
          current: round2(a.elements[k]!),
          earlier: round2(b.elements[k]!),
          change: Math.round((round2(a.elements[k]!) - round2(b.elements[k]!)) * 100) / 100,
        });
      }
      const dv = row.aspects.find((x: { code: string }) => x.code === 'DV');
      expect(dv.change).toBe(Math.round((round2(a.aspects[1]!) - round2(b.aspects[1]!)) * 100) / 100);
      const item = row.items.find((x: { questionId: string }) => x.questionId === 's1_1');
      const i = structure.itemIds.indexOf('s1_1');
      expect(item.change).toBe(Math.round((round2(a.item[i]!) - round2(b.item[i]!)) * 100) / 100);
      expect(row.items.find((x: { questionId: string }) => x.questionId === 'p1_1')).toMatchObject({
        comparable: false,
        change: null,
      });
      expect(row.responseRate).toEqual({ current: 100, earlier: 100, change: 0 });
    }
    // A changed element really moved somewhere (the answers differ), so the check above is not vacuous.
    expect(
      c.units.some((u: { elements: Array<{ change: number | null }> }) =>
        u.elements.some((e) => e.change !== null && e.change !== 0),
      ),
    ).toBe(true);

    const self = await api('GET', `/api/rounds/${later.roundId}/results?compare=${later.roundId}`);
    expect(self.status).toBe(400);
    expect(self.json.error.code).toBe('COMPARE_ROUND_INVALID');
    const missing = await api('GET', `/api/rounds/${later.roundId}/results?compare=r_khong_co`);
    expect(missing.status).toBe(404);
  }, 300_000);

  it('a run that cannot be scored ends failed with its reason; asking again retries under a new id', async () => {
    const created = await api('POST', '/api/rounds', {
      body: {
        name: unique('that-bai'),
        year: 2026,
        kind: 'SIPAS',
        units: [{ code: 'F1', name: 'UBND xã Một' }],
        fields: [{ code: 'tp', name: 'Tư pháp' }],
      },
    });
    const roundId = created.json.roundId as string;
    // A form stored under another questionnaire (e.g. answered before the round's form was replaced).
    const s = {
      tokenHash: unique('th'),
      roundId,
      sampleId: 's_x',
      unitCode: 'F1',
      fieldCode: 'tp',
      templateId: 'mau-phieu-khac',
      answers: { p1_1: 5 },
      bodyHash: 'b',
      receiptId: 'rcp_x',
      channel: 'web',
      submittedAt: new Date(Date.now() - 60_000).toISOString(),
    };
    await dynamo().send(
      new PutCommand({
        TableName: tableName('submissions'),
        Item: { ...submissionKey(s.tokenHash), ...submissionIndexKey(s), ...s },
      }),
    );
    const run = await api('POST', `/api/rounds/${roundId}/scoring`);
    expect(run.status).toBe(202);
    const failed = await eventually(
      'run failed',
      async () => {
        const r = await api('GET', `/api/rounds/${roundId}/scoring/runs/${run.json.runId}`);
        return r.json?.run?.status === 'failed' ? r.json.run : undefined;
      },
      60_000,
    );
    expect(failed.reason.code).toBe('SUBMISSION_TEMPLATE_MISMATCH');
    expect(failed.reason.message).toContain('mau-phieu-khac');
    expect(failed.failedAt).toEqual(expect.any(String));
    expect((await api('GET', `/api/rounds/${roundId}/results`)).json.latest).toBeNull();
    const again = await api('POST', `/api/rounds/${roundId}/scoring`);
    expect(again.status).toBe(202);
    expect(again.json.runId).not.toBe(run.json.runId);
    const runs = await eventually('second attempt failed too', async () => {
      const r = (await api('GET', `/api/rounds/${roundId}/scoring/runs`)).json.runs;
      return r.length === 2 && r.every((x: { status: string }) => x.status === 'failed') ? r : undefined;
    });
    expect(runs.find((x: { runId: string }) => x.runId === again.json.runId).retryOf).toBe(run.json.runId);
  }, 120_000);
});
