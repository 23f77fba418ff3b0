/**
 * Integrity facts and signals over HTTP on the local runtime: a burst of forms from one client, a form
 * completed faster than the round's threshold, identical answers across a unit's forms — recorded with
 * each submission, shown to ops (unit-scoped), never refusing. And anonymity: results, runs, signals
 * and paper entries never carry a token, token hash or person key.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../shared/platform/crypto.ts';
import { tableEnvVar } from '../../shared/platform/resources.ts';
import { api, eventually } from './support/api.ts';
import { answersAll, documentClient, drawnRound, type Form, opsToken, submit } from './support/survey.ts';

const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();

describe('integrity signals', () => {
  let roundId = '';
  let forms: Form[] = [];
  const receipts = {
    burst: [] as string[],
    identical: [] as string[],
    fast: '',
    slow: '',
    u2: [] as string[],
  };
  let paperReceipt = '';

  beforeAll(async () => {
    ({ roundId, forms } = await drawnRound({
      prefix: 'integrity',
      people: { U1: 12, U2: 3 },
      settings: { fastCompletionSeconds: 30 },
    }));
    const u1 = forms.filter((f) => f.unitCode === 'U1');
    const u2 = forms.filter((f) => f.unitCode === 'U2');
    const send = async (f: Form, answers: Record<string, unknown>, ua: string, openedAt?: string) => {
      const res = await submit(
        { token: f.token, answers, ...(openedAt ? { openedAt } : {}) },
        { 'user-agent': ua },
      );
      expect(res.status).toBe(201);
      return res.json.receiptId as string;
    };
    // Five forms from one device within a minute, all different answers.
    for (let i = 0; i < 5; i++) {
      const levels = [1, 2, 3, 4, 5].map((_, k) => ((k + i) % 5) + 1);
      receipts.burst.push(await send(u1[i]!, answersAll(levels), 'thiet-bi-chung/1.0', ago(600)));
    }
    // Five forms from five devices with the very same answers.
    for (let i = 5; i < 10; i++) {
      receipts.identical.push(await send(u1[i]!, answersAll(3), `thiet-bi-${i}/1.0`, ago(600)));
    }
    receipts.fast = await send(u1[10]!, answersAll(2), 'nhanh/1.0', ago(5));
    receipts.slow = await send(u1[11]!, answersAll([5, 4]), 'cham/1.0', ago(120));
    receipts.u2.push(await send(u2[0]!, answersAll(4), 'u2-a/1.0'));
    receipts.u2.push(await send(u2[1]!, answersAll(4), 'u2-b/1.0'));
    const op = await opsToken('nhap-lieu-u2', ['operator'], ['U2']);
    const keyed = await api('POST', `/api/rounds/${roundId}/paper-entries`, {
      token: op,
      body: { code: u2[2]!.code, answers: answersAll(4) },
    });
    expect(keyed.status).toBe(201);
    paperReceipt = keyed.json.receiptId;
  });

  it('stores the facts with each submission: opened, duration, a keyed client hash, the channel', async () => {
    const out = await documentClient().send(
      new QueryCommand({
        TableName: process.env[tableEnvVar('submissions')],
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': `ROUND#${roundId}` },
      }),
    );
    const items = out.Items ?? [];
    expect(items).toHaveLength(15);
    const fast = items.find((i) => i.receiptId === receipts.fast)!;
    expect(fast.channel).toBe('web');
    expect(fast.durationSeconds).toBeGreaterThanOrEqual(4);
    expect(fast.durationSeconds).toBeLessThan(30);
    expect(fast.clientHash).toMatch(/^[0-9a-f]{32}$/);
    const burst = items.filter((i) => receipts.burst.includes(i.receiptId));
    expect(new Set(burst.map((i) => i.clientHash)).size).toBe(1);
    expect(burst[0]!.clientHash).not.toBe(fast.clientHash);
    const paper = items.find((i) => i.receiptId === paperReceipt)!;
    expect(paper).toMatchObject({ channel: 'paper', keyedBy: ['nhap-lieu-u2'] });
    expect(paper.clientHash).toBeUndefined();
    // Neither the address nor the user agent is stored; nor a person key.
    for (const item of items) {
      const text = JSON.stringify(item);
      expect(text).not.toContain('127.0.0.1');
      expect(text).not.toContain('thiet-bi');
      expect(item.personKey).toBeUndefined();
    }
  });

  it('shows a burst, a fast completion and identical answers to an admin — and nothing else', async () => {
    const res = await api('GET', `/api/rounds/${roundId}/integrity-signals`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      submissions: 15,
      settings: { fastCompletionSeconds: 30 },
      counts: { BURST: 1, FAST_COMPLETION: 1, IDENTICAL_ANSWERS: 1 },
    });
    const byKind = Object.fromEntries(
      res.json.signals.map((s: { kind: string; unitCode: string; receiptIds: string[] }) => [s.kind, s]),
    );
    expect(byKind.BURST).toMatchObject({ unitCode: 'U1', receiptIds: receipts.burst });
    expect(byKind.BURST.detail).toContain('5 phiếu từ cùng một thiết bị');
    expect(byKind.FAST_COMPLETION).toMatchObject({ unitCode: 'U1', receiptIds: [receipts.fast] });
    expect(byKind.FAST_COMPLETION.detail).toContain('ngưỡng 30 giây');
    expect(byKind.IDENTICAL_ANSWERS).toMatchObject({ unitCode: 'U1', receiptIds: receipts.identical });
    // The slow form, U2's two equal forms and the paper form raise nothing.
    const flagged = res.json.signals.flatMap((s: { receiptIds: string[] }) => s.receiptIds);
    expect(flagged).not.toContain(receipts.slow);
    expect(flagged).not.toContain(paperReceipt);
    for (const r of receipts.u2) expect(flagged).not.toContain(r);
  });

  it('is unit-scoped for operators and closed to viewers', async () => {
    const u2op = await opsToken('dau-moi-u2', ['operator'], ['U2']);
    const scoped = await api('GET', `/api/rounds/${roundId}/integrity-signals`, { token: u2op });
    expect(scoped.status).toBe(200);
    expect(scoped.json.submissions).toBe(3);
    expect(scoped.json.signals).toEqual([]);
    const u1op = await opsToken('dau-moi-u1', ['operator'], ['U1']);
    const u1 = await api('GET', `/api/rounds/${roundId}/integrity-signals?unitCode=U1`, { token: u1op });
    expect(u1.json.signals).toHaveLength(3);
    const viewer = await opsToken('xem', ['viewer']);
    expect((await api('GET', `/api/rounds/${roundId}/integrity-signals`, { token: viewer })).status).toBe(
      403,
    );
    const missing = await api('GET', '/api/rounds/khong-co/integrity-signals');
    expect(missing.status).toBe(404);
  });

  it('anonymity: results, scoring runs, signals and paper entries carry no token, token hash or person key', async () => {
    const run = await api('POST', `/api/rounds/${roundId}/scoring`);
    expect(run.status).toBe(202);
    const results = await eventually('results of this run', async () => {
      const r = await api('GET', `/api/rounds/${roundId}/results`);
      return r.json?.latest?.runId === run.json.runId ? r : undefined;
    });
    expect(results.json.latest.round.counts.returned).toBe(15);
    const people = await api('GET', `/api/rounds/${roundId}/respondents?limit=100`);
    const personKeys = (people.json.items as Array<{ personKey: string }>).map((p) => p.personKey);
    expect(personKeys).toHaveLength(15);
    const secrets = [
      ...personKeys,
      ...forms.flatMap((f) => [f.token, hashToken(f.token), f.code, f.code.replace(/-/g, ''), f.phone]),
    ];
    const views = [
      results,
      await api('GET', `/api/rounds/${roundId}/scoring/runs`),
      await api('GET', `/api/rounds/${roundId}/scoring/runs/${run.json.runId}`),
      await api('GET', `/api/rounds/${roundId}/integrity-signals`),
      await api('GET', `/api/rounds/${roundId}/paper-entries`),
    ];
    for (const view of views) {
      expect(view.status).toBe(200);
      for (const secret of secrets) expect(view.text).not.toContain(secret);
    }
  });
});
