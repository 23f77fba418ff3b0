/**
 * Paper channels over HTTP on the local runtime: the paper code on the JSON API (exactly once per
 * assignment whichever is used), paper entry (single), blind double entry (match, mismatch, supervisor
 * resolution, audit), and web ↔ paper refusals.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableEnvVar } from '../../shared/platform/resources.ts';
import { api } from './support/api.ts';
import {
  answersAll,
  documentClient,
  drawnRound,
  type Form,
  opsToken,
  questions,
  scaleIds,
  submit,
} from './support/survey.ts';

const paper = (roundId: string, body: unknown, token: string) =>
  api('POST', `/api/rounds/${roundId}/paper-entries`, { body, token });

/** One character changed so the check character no longer fits. */
const typo = (code: string): string => {
  const c = code.replace(/-/g, '');
  const swap = c[3] === 'A' ? 'B' : 'A';
  return `${c.slice(0, 3)}${swap}${c.slice(4)}`;
};

describe('paper code on the JSON API and single paper entry', () => {
  let roundId = '';
  let forms: Form[] = [];
  let op = '';
  let otherUnitOp = '';
  let viewer = '';

  beforeAll(async () => {
    ({ roundId, forms } = await drawnRound({ prefix: 'paper-single', people: { U1: 6, U2: 1 } }));
    forms = forms.filter((f) => f.unitCode === 'U1');
    op = await opsToken('nhap-lieu-1', ['operator'], ['U1']);
    otherUnitOp = await opsToken('nhap-lieu-u2', ['operator'], ['U2']);
    viewer = await opsToken('lanh-dao', ['viewer']);
  });

  it('accepts { code, answers } once per assignment; the token then replays or conflicts', async () => {
    const f = forms[0]!;
    const first = await submit({ code: f.code, answers: answersAll(4) });
    expect(first.status).toBe(201);
    // The code typed without hyphens and in lower case is the same code.
    const again = await submit({ code: f.code.replace(/-/g, '').toLowerCase(), answers: answersAll(4) });
    expect(again.status).toBe(200);
    expect(again.json.receiptId).toBe(first.json.receiptId);
    const byToken = await submit({ token: f.token, answers: answersAll(4) });
    expect(byToken.status).toBe(200);
    expect(byToken.json.receiptId).toBe(first.json.receiptId);
    const other = await submit({ token: f.token, answers: answersAll(2) });
    expect(other.status).toBe(409);
    expect(other.json.error.code).toBe('ALREADY_SUBMITTED');
  });

  it('a web answer then a code answer with other answers → 409', async () => {
    const f = forms[1]!;
    expect((await submit({ token: f.token, answers: answersAll(5) })).status).toBe(201);
    const res = await submit({ code: f.code, answers: answersAll(1) });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('ALREADY_SUBMITTED');
  });

  it('refuses a mistyped code before any lookup, an unknown code, and token + code together', async () => {
    const mistyped = await submit({ code: typo(forms[2]!.code), answers: answersAll(3) });
    expect(mistyped.status).toBe(400);
    expect(mistyped.json.error.code).toBe('PAPER_CODE_MISTYPED');
    const unknown = await submit({ code: '0000-0000-00', answers: answersAll(3) });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('CODE_NOT_FOUND');
    const both = await submit({ token: forms[2]!.token, code: forms[2]!.code, answers: answersAll(3) });
    expect(both.status).toBe(400);
    expect(both.json.error.code).toBe('INVALID_TOKEN');
  });

  it('an operator keys a paper form once: stored with who and when; the web link is then refused', async () => {
    const f = forms[2]!;
    const res = await paper(roundId, { code: f.code, answers: answersAll(3) }, op);
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      status: 'stored',
      doubleEntry: false,
      unitCode: 'U1',
      entries: [{ pass: 1, by: 'nhap-lieu-1' }],
    });
    expect(res.json.receiptId).toMatch(/^rcp_/);
    expect(Date.parse(res.json.entries[0].at)).toBeGreaterThan(Date.now() - 60_000);
    // The same keying re-sent: the same form, nothing new.
    const replay = await paper(roundId, { code: f.code, answers: answersAll(3) }, op);
    expect(replay.status).toBe(200);
    expect(replay.json.receiptId).toBe(res.json.receiptId);
    // The respondent's link afterwards: refused, whichever answers.
    for (const level of [3, 5]) {
      const web = await submit({ token: f.token, answers: answersAll(level) });
      expect(web.status).toBe(409);
      expect(web.json.error.code).toBe('ANSWERED_ON_PAPER');
      expect(web.json.error.message).toContain('phiếu giấy');
    }
    const got = await api('GET', `/api/rounds/${roundId}/paper-entries/${f.code}`, { token: op });
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ status: 'stored', receiptId: res.json.receiptId });
    expect(got.json.trail).toEqual([expect.objectContaining({ action: 'KEYED_FIRST', by: 'nhap-lieu-1' })]);
  });

  it('a paper form for a code already answered on the web is refused with a Vietnamese message', async () => {
    const res = await paper(roundId, { code: forms[1]!.code, answers: answersAll(5) }, op);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('ANSWERED_ON_WEB');
    expect(res.json.error.message).toContain('trả lời trực tuyến');
    const none = await api('GET', `/api/rounds/${roundId}/paper-entries/${forms[1]!.code}`, { token: op });
    expect(none.status).toBe(404);
    expect(none.json.error.code).toBe('PAPER_FORM_NOT_FOUND');
  });

  it('checks answers like a submission, nothing stored; unit scope and roles; no pass 2 here', async () => {
    const f = forms[3]!;
    const bad = await paper(roundId, { code: f.code, answers: { ...answersAll(3), [scaleIds[0]!]: 9 } }, op);
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('INVALID_SCALE');
    expect(bad.json.error.details[0].path).toBe(scaleIds[0]);
    const proto = await paper(
      roundId,
      JSON.parse(`{"code":"${f.code}","answers":{"__proto__":{"x":1}}}`) as unknown,
      op,
    );
    expect(proto.status).toBe(400);
    const extra = await paper(roundId, { code: f.code, answers: answersAll(3), admin: true }, op);
    expect(extra.status).toBe(400);
    expect(extra.json.error.code).toBe('UNKNOWN_FIELD');
    const mistyped = await paper(roundId, { code: typo(f.code), answers: answersAll(3) }, op);
    expect(mistyped.json.error.code).toBe('PAPER_CODE_MISTYPED');
    const foreign = await paper(roundId, { code: f.code, answers: answersAll(3) }, otherUnitOp);
    expect(foreign.status).toBe(403);
    const asViewer = await paper(roundId, { code: f.code, answers: answersAll(3) }, viewer);
    expect(asViewer.status).toBe(403);
    const second = await paper(roundId, { code: f.code, answers: answersAll(3), pass: 2 }, op);
    expect(second.status).toBe(409);
    expect(second.json.error.code).toBe('DOUBLE_ENTRY_OFF');
    const none = await api('GET', `/api/rounds/${roundId}/paper-entries/${f.code}`, { token: op });
    expect(none.status).toBe(404);
    // Still open for the respondent.
    expect((await submit({ token: f.token, answers: answersAll(3) })).status).toBe(201);
  });
});

describe('double entry: blind second keying, mismatches, supervisor resolution, audit', () => {
  let roundId = '';
  let forms: Form[] = [];
  let op1 = '';
  let op2 = '';
  let supervisor = '';
  const textQ = questions.find((q) => q.type === 'text');
  const multiQ = questions.find((q) => q.type === 'multi' && (q.options?.length ?? 0) >= 2);

  beforeAll(async () => {
    ({ roundId, forms } = await drawnRound({
      prefix: 'paper-double',
      people: { U1: 4 },
      settings: { doubleEntry: true },
    }));
    op1 = await opsToken('nhap-lieu-a', ['operator'], ['U1']);
    op2 = await opsToken('nhap-lieu-b', ['operator'], ['U1']);
    supervisor = await opsToken('giam-sat', ['admin']);
  });

  it('the round carries settings.doubleEntry', async () => {
    const round = await api('GET', `/api/rounds/${roundId}`);
    expect(round.json.settings.doubleEntry).toBe(true);
  });

  it('match: stored after the second, blind keying by another operator', async () => {
    const f = forms[0]!;
    const answers = answersAll(4);
    if (multiQ) answers[multiQ.id] = [multiQ.options![0]!.value, multiQ.options![1]!.value];
    const first = await paper(roundId, { code: f.code, answers }, op1);
    expect(first.status).toBe(201);
    expect(first.json.status).toBe('awaiting-second');
    expect(first.json.receiptId).toBeUndefined();
    // Nothing stored yet: not a submission.
    const peek = await api('GET', `/api/rounds/${roundId}/paper-entries/${f.code}`, { token: op2 });
    expect(peek.json.status).toBe('awaiting-second');
    expect(JSON.stringify(peek.json)).not.toContain('"answers"');
    // The first operator cannot key the second pass.
    const same = await paper(roundId, { code: f.code, answers, pass: 2 }, op1);
    expect(same.status).toBe(409);
    expect(same.json.error.code).toBe('SAME_OPERATOR');
    // A second "pass 1" is refused, with a hint.
    const dup = await paper(roundId, { code: f.code, answers }, op2);
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe('PAPER_ALREADY_KEYED');
    // The second keying: ticks read in another order are the same answer.
    const reordered = { ...answers };
    if (multiQ) reordered[multiQ.id] = [multiQ.options![1]!.value, multiQ.options![0]!.value];
    const second = await paper(roundId, { code: f.code, answers: reordered, pass: 2 }, op2);
    expect(second.status).toBe(201);
    expect(second.json).toMatchObject({
      status: 'stored',
      entries: [
        { pass: 1, by: 'nhap-lieu-a' },
        { pass: 2, by: 'nhap-lieu-b' },
      ],
    });
    expect(second.json.receiptId).toMatch(/^rcp_/);
    const web = await submit({ token: f.token, answers });
    expect(web.status).toBe(409);
    expect(web.json.error.code).toBe('ANSWERED_ON_PAPER');
  });

  it('mismatch: listed field by field (values for the supervisor only), resolved per field, audited', async () => {
    const f = forms[1]!;
    const a = answersAll(4);
    const b = { ...a, [scaleIds[0]!]: 2, [scaleIds[1]!]: 5 };
    if (textQ) {
      a[textQ.id] = 'Thủ tục nhanh';
      b[textQ.id] = 'Thủ tục nhanh gọn';
    }
    expect((await paper(roundId, { code: f.code, answers: a }, op1)).status).toBe(201);
    const second = await paper(roundId, { code: f.code, answers: b, pass: 2 }, op2);
    expect(second.status).toBe(201);
    const expectedIds = questions
      .map((q) => q.id)
      .filter((id) => id === scaleIds[0] || id === scaleIds[1] || id === textQ?.id);
    expect(second.json.status).toBe('mismatch');
    expect(second.json.mismatchCount).toBe(expectedIds.length);
    // The operator sees which questions differ, not what either keying said.
    expect(second.json.mismatches.map((m: { questionId: string }) => m.questionId)).toEqual(expectedIds);
    expect(second.json.mismatches[0].first).toBeUndefined();
    expect(second.json.mismatches[0].second).toBeUndefined();
    // A supervisor's listing shows both keyings' values.
    const listed = await api('GET', `/api/rounds/${roundId}/paper-entries?status=mismatch`, {
      token: supervisor,
    });
    expect(listed.status).toBe(200);
    const item = listed.json.items.find((i: { formId: string }) => i.formId === second.json.formId);
    expect(item.mismatches.find((m: { questionId: string }) => m.questionId === scaleIds[0])).toMatchObject({
      first: 4,
      second: 2,
    });
    const badStatus = await api('GET', `/api/rounds/${roundId}/paper-entries?status=nope`, { token: op1 });
    expect(badStatus.status).toBe(400);
    expect(badStatus.json.error.code).toBe('INVALID_STATUS');

    // Resolution: supervisors only; every mismatch decided; agreed answers not re-decided.
    const byOperator = await api('POST', `/api/rounds/${roundId}/paper-entries/${f.code}/resolution`, {
      token: op1,
      body: { resolution: { [scaleIds[0]!]: 4 } },
    });
    expect(byOperator.status).toBe(403);
    const partial = await api('POST', `/api/rounds/${roundId}/paper-entries/${f.code}/resolution`, {
      token: supervisor,
      body: { resolution: { [scaleIds[0]!]: 4 } },
    });
    expect(partial.status).toBe(400);
    expect(partial.json.error.code).toBe('MISSING_RESOLUTION');
    const resolution: Record<string, unknown> = { [scaleIds[0]!]: 4, [scaleIds[1]!]: 5 };
    if (textQ) resolution[textQ.id] = 'Thủ tục nhanh gọn';
    const notMismatch = await api('POST', `/api/rounds/${roundId}/paper-entries/${f.code}/resolution`, {
      token: supervisor,
      body: { resolution: { ...resolution, [scaleIds[2]!]: 1 } },
    });
    expect(notMismatch.status).toBe(400);
    expect(notMismatch.json.error.code).toBe('NOT_A_MISMATCH');
    const resolved = await api(
      'POST',
      `/api/rounds/${roundId}/paper-entries/${second.json.formId}/resolution`,
      {
        token: supervisor,
        body: { resolution },
      },
    );
    expect(resolved.status).toBe(200);
    expect(resolved.json).toMatchObject({ status: 'stored', resolvedBy: 'giam-sat' });
    expect(resolved.json.trail.map((l: { action: string }) => l.action)).toEqual([
      'KEYED_FIRST',
      'KEYED_SECOND',
      ...expectedIds.map(() => 'RESOLVED'),
    ]);
    expect(
      resolved.json.trail.find((l: { questionId?: string }) => l.questionId === scaleIds[1]),
    ).toMatchObject({
      by: 'giam-sat',
      before: 4,
      after: 5,
    });
    // Once stored, it cannot be resolved again nor keyed over.
    const again = await api('POST', `/api/rounds/${roundId}/paper-entries/${f.code}/resolution`, {
      token: supervisor,
      body: { resolution },
    });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('NOT_IN_MISMATCH');
    const web = await submit({ token: f.token, answers: a });
    expect(web.json.error.code).toBe('ANSWERED_ON_PAPER');

    // The round's audit trail (submission's own partition of its table): keyed ×2, mismatch, resolved, stored.
    const db = documentClient();
    const out = await db.send(
      new QueryCommand({
        TableName: process.env[tableEnvVar('submissions')],
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `AUDIT#${roundId}` },
      }),
    );
    const mine = (out.Items ?? []).filter((i) => i.target === `paper-form:${second.json.formId}`);
    expect(mine.map((i) => i.action).sort()).toEqual([
      'PAPER_FORM_KEYED',
      'PAPER_FORM_KEYED',
      'PAPER_FORM_MISMATCH',
      'PAPER_FORM_RESOLVED',
      'PAPER_FORM_STORED',
    ]);
    const res = mine.find((i) => i.action === 'PAPER_FORM_RESOLVED')!;
    expect(res.by).toBe('giam-sat');
    expect(res.details.changes).toContainEqual({ questionId: scaleIds[1], before: 4, after: 5 });
    const stored = mine.find((i) => i.action === 'PAPER_FORM_STORED')!;
    expect(stored.details).toMatchObject({
      keyedBy: ['nhap-lieu-a', 'nhap-lieu-b'],
      resolvedBy: 'giam-sat',
      receiptId: resolved.json.receiptId,
    });
    // The stored submission holds the resolved answers and who keyed it — no token, no person key.
    const sub = await db.send(
      new QueryCommand({
        TableName: process.env[tableEnvVar('submissions')],
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': `ROUND#${roundId}` },
      }),
    );
    const row = (sub.Items ?? []).find((i) => i.receiptId === resolved.json.receiptId)!;
    expect(row).toMatchObject({
      channel: 'paper',
      keyedBy: ['nhap-lieu-a', 'nhap-lieu-b'],
      resolvedBy: 'giam-sat',
    });
    expect(row.answers[scaleIds[0]!]).toBe(4);
    expect(row.answers[scaleIds[1]!]).toBe(5);
    expect(JSON.stringify(row)).not.toContain(f.token);
  });

  it('a supervisor corrects a stored paper answer with a reason: every change kept in the trail and audit', async () => {
    const f = forms[0]!; // stored by the match above, every scale item 4
    const url = `/api/rounds/${roundId}/paper-entries/${f.code}/corrections`;
    const body = { changes: { [scaleIds[2]!]: 1 }, reason: 'Đối chiếu lại phiếu giấy: khoanh số 1' };
    expect((await api('POST', url, { token: op1, body })).status).toBe(403);
    const noReason = await api('POST', url, { token: supervisor, body: { changes: body.changes } });
    expect(noReason.status).toBe(400);
    const invalid = await api('POST', url, {
      token: supervisor,
      body: { ...body, changes: { [scaleIds[2]!]: 8 } },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error.code).toBe('INVALID_SCALE');
    const same = await api('POST', url, {
      token: supervisor,
      body: { ...body, changes: { [scaleIds[2]!]: 4 } },
    });
    expect(same.status).toBe(400);
    expect(same.json.error.code).toBe('NO_CHANGE');
    const res = await api('POST', url, { token: supervisor, body });
    expect(res.status).toBe(200);
    expect(res.json.trail.at(-1)).toMatchObject({
      action: 'CHANGED',
      by: 'giam-sat',
      questionId: scaleIds[2],
      before: 4,
      after: 1,
      reason: body.reason,
    });
    const db = documentClient();
    const subs = await db.send(
      new QueryCommand({
        TableName: process.env[tableEnvVar('submissions')],
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': `ROUND#${roundId}` },
      }),
    );
    const row = (subs.Items ?? []).find((i) => i.receiptId === res.json.receiptId)!;
    expect(row.answers[scaleIds[2]!]).toBe(1);
    const audit = await db.send(
      new QueryCommand({
        TableName: process.env[tableEnvVar('submissions')],
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `AUDIT#${roundId}` },
      }),
    );
    const changed = (audit.Items ?? []).filter((i) => i.action === 'ANSWER_CHANGED');
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({
      by: 'giam-sat',
      reason: body.reason,
      details: { receiptId: res.json.receiptId, changes: [{ questionId: scaleIds[2], before: 4, after: 1 }] },
    });
  });

  it('paper-then-web and web-then-paper on a double-entry round', async () => {
    const f = forms[2]!;
    expect((await submit({ token: f.token, answers: answersAll(2) })).status).toBe(201);
    const res = await paper(roundId, { code: f.code, answers: answersAll(2) }, op1);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('ANSWERED_ON_WEB');
    // Pass 2 without a pass 1.
    const orphan = await paper(roundId, { code: forms[3]!.code, answers: answersAll(2), pass: 2 }, op2);
    expect(orphan.status).toBe(409);
    expect(orphan.json.error.code).toBe('FIRST_ENTRY_MISSING');
    // A web answer is not staff's to correct.
    const fix = await api('POST', `/api/rounds/${roundId}/paper-entries/${f.code}/corrections`, {
      token: supervisor,
      body: { changes: { [scaleIds[0]!]: 5 }, reason: 'thử' },
    });
    expect(fix.status).toBe(404);
  });
});
