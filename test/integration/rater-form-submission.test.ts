/**
 * The answering channel of PAR rater forms on the local runtime: `GET /r/{token}` (one section per
 * target), the paper code routed to it, `POST /api/submissions` with answers per target stored as one
 * submission per (form, target) and scored per target by a scoring run; replay, conflict, a target
 * not on the form, a revoked form, a bad answer in the second target (nothing stored), the plain post.
 * The rater-forms set-up is shared with rater-forms.test.ts (support/rater-forms.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_TEMPLATE_IDS, getTemplate } from '../../shared/domain/index.ts';
import { hashToken } from '../../shared/platform/crypto.ts';
import { tableEnvVar } from '../../shared/platform/resources.ts';
import { api, baseUrl, eventually, liveCountsReach } from './support/api.ts';
import {
  createRaterRound,
  type RaterFormView as FormView,
  generateRaterForms,
  importRaterRoster,
  RATER_MATRIX,
  raterRoster,
} from './support/rater-forms.ts';

const template = getTemplate(DEFAULT_TEMPLATE_IDS.PAR);
const rated = template.sections.flatMap((s) => s.questions).filter((q) => q.maxPoints !== undefined);
const answering = (option: string) => Object.fromEntries(rated.map((q) => [q.id, option]));

const ROSTER = raterRoster();

const db = () =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: inject('dynamodbEndpoint'),
      region: process.env.AWS_REGION ?? 'ap-southeast-1',
    }),
  );

const tokenOf = (f: FormView) => /\/r\/([A-Za-z0-9_-]+)$/.exec(f.link)![1]!;
const submit = (body: unknown) => api('POST', '/api/submissions', { token: null, body });

/** A scoring run once the live counts reached `returned` target answers. */
const score = async (roundId: string, returned: number) => {
  await liveCountsReach(roundId, returned);
  const run = await api('POST', `/api/rounds/${roundId}/scoring`);
  expect(run.status, run.text).toBe(202);
  const latest = await eventually('PAR results', async () => {
    const r = await api('GET', `/api/rounds/${roundId}/results`);
    return r.json?.latest?.runId === run.json.runId ? r.json.latest : undefined;
  });
  return Object.fromEntries(
    (latest.units as Array<{ unitCode: string; index: number | null; counts: { returned: number } }>).map(
      (u) => [u.unitCode, u],
    ),
  );
};

describe('PAR rater form answers', () => {
  let roundId = '';
  let forms: FormView[] = [];
  const formOf = (group: string, unit: string, nth = 0) =>
    forms.filter((f) => f.groupCode === group && f.unitCode === unit)[nth]!;

  beforeAll(async () => {
    roundId = await createRaterRound('Chỉ số CCHC trả lời phiếu đánh giá', { raterMatrix: RATER_MATRIX });
    await importRaterRoster(roundId, ROSTER);
    forms = await generateRaterForms(roundId);
    expect(forms).toHaveLength(5);
  });

  it('serves /r/{token}: one section per target with its name, the PAR items, no token used', async () => {
    const f = formOf('LD_SO', 'STP');
    const token = tokenOf(f);
    const head = await api('HEAD', `/r/${token}`, { token: null });
    expect(head.status).toBe(200);
    const page = await api('GET', `/r/${token}`, { token: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(page.text).toContain('<html lang="vi"');
    expect(page.text).toContain('Đơn vị 1 / 3: UBND huyện Một');
    expect(page.text).toContain('Đơn vị 2 / 3: Sở Nội vụ');
    expect(page.text).toContain('Đơn vị 3 / 3: Sở Y tế');
    expect(page.text).not.toContain('Sở Tư pháp</h2>');
    expect(page.text).toContain(`name="SNV/${rated[0]!.id}"`);
    expect(page.text.match(/<fieldset /g)).toHaveLength(
      3 * template.sections.flatMap((s) => s.questions).length,
    );
    // Opening twice still opens the form (nothing consumed).
    expect((await api('GET', `/r/${token}`, { token: null })).text).toContain('Gửi phiếu đánh giá');

    // Without JavaScript, two targets left out: the form again (400), messages by the questions, the
    // first target's choices kept, nothing stored.
    const fields = new URLSearchParams();
    for (const [q, v] of Object.entries(answering('A'))) fields.append(`H1/${q}`, v);
    const refused = await api('POST', `/r/${token}`, {
      token: null,
      raw: fields.toString(),
      type: 'application/x-www-form-urlencoded',
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('role="alert"');
    expect(refused.text).toContain(`id="err-SNV/${rated[0]!.id}"`);
    expect(refused.text).toContain(`name="H1/${rated[0]!.id}" value="A" checked`);
    expect(refused.text).not.toContain(`id="err-H1/${rated[0]!.id}"`);
    expect((await api('GET', `/r/${token}`, { token: null })).text).toContain('Gửi phiếu đánh giá');

    const unknown = await api('GET', `/r/${'x'.repeat(43)}`, { token: null });
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('Liên kết phiếu không hợp lệ');

    // The start page's code: not an assignment's, so the rater form's → 303 /r/{token}.
    const byCode = await fetch(`${baseUrl()}/ma-phieu?code=${encodeURIComponent(f.paperCode)}`, {
      redirect: 'manual',
    });
    expect(byCode.status).toBe(303);
    expect(byCode.headers.get('location')).toBe(`/r/${token}`);
  });

  it('stores one submission per target, exactly once, and a scoring run counts each target', async () => {
    const f = formOf('LD_SO', 'SNV');
    expect(f.targets).toEqual(['H1', 'STP', 'SYT']);
    const body = {
      token: tokenOf(f),
      targets: { H1: answering('A'), STP: answering('B'), SYT: answering('D') },
    };
    const first = await submit(body);
    expect(first.status, first.text).toBe(201);
    expect(first.json).toMatchObject({ targets: ['H1', 'STP', 'SYT'] });
    expect(first.json.receiptId).toMatch(/^rcp/);

    const replay = await submit(body);
    expect(replay.status).toBe(200);
    expect(replay.json).toEqual(first.json);

    const other = await submit({ ...body, targets: { ...body.targets, SYT: answering('C') } });
    expect(other.status).toBe(409);
    expect(other.json.error.code).toBe('ALREADY_SUBMITTED');

    const sent = await api('GET', `/r/${tokenOf(f)}`, { token: null });
    expect(sent.text).toContain(first.json.receiptId);

    const once = await score(roundId, 3);
    expect(once.H1).toMatchObject({ index: 100, counts: { returned: 1 } });
    expect(once.STP).toMatchObject({ index: 60, counts: { returned: 1 } });
    expect(once.SYT).toMatchObject({ index: 0, counts: { returned: 1 } });
    expect(once.SNV?.counts.returned ?? 0).toBe(0);

    // Two more forms: one by paper code after a refused attempt, one as a plain form post.
    const c = formOf('DB_HDND', 'HDND', 0);
    const bad = await submit({
      token: tokenOf(c),
      targets: {
        H1: answering('C'),
        SNV: { ...answering('C'), [rated[1]!.id]: 'Z' },
        STP: answering('C'),
        SYT: answering('C'),
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('INVALID_OPTION');
    expect(bad.json.error.details).toEqual([
      expect.objectContaining({ path: `SNV/${rated[1]!.id}`, code: 'INVALID_OPTION' }),
    ]);
    expect(bad.json.error.message).toContain('Sở Nội vụ');
    // Nothing of the first (valid) target was stored: the form still opens and still accepts.
    expect((await api('GET', `/r/${tokenOf(c)}`, { token: null })).text).toContain('Gửi phiếu đánh giá');
    const byCode = await submit({
      code: c.paperCode,
      targets: { H1: answering('C'), SNV: answering('C'), STP: answering('C'), SYT: answering('C') },
    });
    expect(byCode.status, byCode.text).toBe(201);

    const d = formOf('DB_HDND', 'HDND', 1);
    const fields = new URLSearchParams();
    for (const t of d.targets)
      for (const [q, v] of Object.entries(answering('B'))) fields.append(`${t}/${q}`, v);
    const plain = await api('POST', `/r/${tokenOf(d)}`, {
      token: null,
      raw: fields.toString(),
      type: 'application/x-www-form-urlencoded',
    });
    expect(plain.status, plain.text).toBe(201);
    expect(plain.text).toContain('Mã biên nhận');

    const twice = await score(roundId, 11);
    // H1: A, C, B → (1 + 0.2 + 0.6)/3; SNV: C, B; STP: B, C, B; SYT: D, C, B.
    expect(twice.H1).toMatchObject({ index: 60, counts: { returned: 3 } });
    expect(twice.SNV).toMatchObject({ index: 40, counts: { returned: 2 } });
    expect(twice.STP).toMatchObject({ index: 46.67, counts: { returned: 3 } });
    expect(twice.SYT).toMatchObject({ index: 26.67, counts: { returned: 3 } });
  });

  it('refuses a target not on the form (naming it), then a revoked form with 410', async () => {
    const f = formOf('LD_HUYEN', 'H1');
    expect(f.targets).toEqual(['SNV', 'STP', 'SYT']);
    const targets = { SNV: answering('A'), STP: answering('A'), SYT: answering('A') };
    const own = await submit({ token: tokenOf(f), targets: { ...targets, H1: answering('A') } });
    expect(own.status).toBe(400);
    expect(own.json.error.code).toBe('UNKNOWN_TARGET');
    expect(own.json.error.message).toContain('UBND huyện Một (H1)');
    const missing = await submit({ token: tokenOf(f), targets: { SNV: answering('A') } });
    expect(missing.status).toBe(400);
    expect(missing.json.error.details.map((d: { path: string }) => d.path)).toContain(`STP/${rated[0]!.id}`);

    const table = process.env[tableEnvVar('samples')];
    for (const key of [{ pk: `RATERTOKEN#${hashToken(tokenOf(f))}`, sk: 'TOKEN' }]) {
      await db().send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'SET #s = :r',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':r': 'revoked' },
        }),
      );
    }
    const revoked = await submit({ token: tokenOf(f), targets });
    expect(revoked.status).toBe(410);
    expect(revoked.json.error.code).toBe('TOKEN_REVOKED');
    const page = await api('GET', `/r/${tokenOf(f)}`, { token: null });
    expect(page.status).toBe(410);
    expect(page.text).toContain('đã bị thu hồi');
  });

  it('a form rating more targets than one transaction holds (101): stored in transactions of 100, one receipt', async () => {
    const departments = Array.from({ length: 101 }, (_, i) => ({
      code: `D${String(i + 1).padStart(3, '0')}`,
      name: `Sở số ${i + 1}`,
      type: 'department',
    }));
    const id = await createRaterRound('Chỉ số CCHC nhiều đơn vị', {
      units: [...departments, { code: 'H1', name: 'UBND huyện Một', type: 'rural-district' }],
      raterMatrix: { ...RATER_MATRIX, groups: [RATER_MATRIX.groups[2]] },
    });
    const roster = [ROSTER.split('\r\n')[0], ROSTER.split('\r\n')[5]].join('\r\n');
    await importRaterRoster(id, roster);
    const [f] = await generateRaterForms(id);
    expect(f!.targets).toHaveLength(101);
    const body = {
      token: tokenOf(f!),
      targets: Object.fromEntries(f!.targets.map((t, i) => [t, answering(i % 2 === 0 ? 'A' : 'C')])),
    };
    const first = await submit(body);
    expect(first.status, first.text).toBe(201);
    const replay = await submit(body);
    expect(replay.status).toBe(200);
    expect(replay.json).toEqual(first.json);
    const other = await submit({ ...body, targets: { ...body.targets, D101: answering('B') } });
    expect(other.status).toBe(409);

    const stored = await db().send(
      new QueryCommand({
        TableName: process.env[tableEnvVar('submissions')],
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': `ROUND#${id}` },
      }),
    );
    const items = stored.Items ?? [];
    expect(items).toHaveLength(101);
    expect(new Set(items.map((i) => i.receiptId))).toEqual(new Set([first.json.receiptId]));
    expect(new Set(items.map((i) => i.unitCode)).size).toBe(101);

    const results = await score(id, 101);
    expect(results.D001).toMatchObject({ index: 100, counts: { returned: 1 } });
    expect(results.D101).toMatchObject({ index: 100, counts: { returned: 1 } });
    expect(results.D100).toMatchObject({ index: 20, counts: { returned: 1 } });
  });
});
