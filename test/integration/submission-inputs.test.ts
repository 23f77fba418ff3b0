/**
 * Every bad input a respondent (or anyone with a link) can send to the submission API, over HTTP on
 * the local runtime (issue 10, data rule 17): the exact status and code, a Vietnamese message naming
 * the question, nothing stored and the token still usable afterwards; exactly-once under concurrency;
 * what free text is stored as; revoked and inactive tokens.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { importQuestionnaire } from '../../shared/domain/index.ts';
import { api, eventually, unique } from './support/api.ts';

// The round uses the year's imported form (the 51-item example), which has required items.
const questionnaireId = unique('q-loi')
  .toLowerCase()
  .replace(/[^a-z0-9-]/g, '-');
const EXAMPLE = readFileSync('docs/examples/sipas-2026-questionnaire.csv', 'utf8').replace(
  'Mã mẫu phiếu,sipas-2026-v1',
  `Mã mẫu phiếu,${questionnaireId}`,
);
const template = importQuestionnaire(EXAMPLE);
const questions = template.sections.flatMap((s) => s.questions);
const scale = questions.find((q) => q.type === 'scale')!;
const required = questions.find((q) => q.required)!;
const single = questions.find((q) => q.type === 'single' && q.options && q.options.length > 1)!;
const text = questions.find((q) => q.type === 'text')!;

const validAnswers = (level = 4): Record<string, unknown> => {
  const answers: Record<string, unknown> = {};
  for (const q of questions) {
    if (q.type === 'scale') answers[q.id] = level;
    else if (q.required && q.type === 'single') answers[q.id] = q.options![0]!.value;
    else if (q.required && q.type === 'multi') answers[q.id] = [q.options![0]!.value];
    else if (q.required && q.type === 'text') answers[q.id] = 'Ý kiến';
  }
  return answers;
};

const ddb = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint: inject('dynamodbEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  }),
);
/** The stored submission of a token, read straight from the submissions table (or undefined). */
const stored = async (token: string) => {
  const tokenHash = createHash('sha256').update(`form-token:${token}`).digest('hex');
  const out = await ddb.send(
    new GetCommand({
      TableName: 'dieutra-local-submissions',
      Key: { pk: `TOKEN#${tokenHash}`, sk: 'SUBMISSION' },
    }),
  );
  return out.Item;
};

const submit = (body: unknown) => api('POST', '/api/submissions', { token: null, body });
const submitRaw = (raw: string) =>
  api('POST', '/api/submissions', { token: null, raw, type: 'application/json' });

const linkTokens = (csv: string): string[] =>
  csv
    .replace(/^\ufeff/, '')
    .trim()
    .split('\r\n')
    .slice(1)
    .map((l) => /\/f\/([A-Za-z0-9_-]{16,64})/.exec(l)?.[1])
    .filter((t): t is string => t !== undefined);

describe('submission API: every bad input, exactly once', () => {
  let roundId = '';
  let sampleId = '';
  let tokens: string[] = [];
  let reserve: string[] = [];
  let next = 0;
  const token = () => {
    const t = tokens[next++];
    if (!t) throw new Error('out of tokens');
    return t;
  };

  beforeAll(async () => {
    const imported = await api('POST', '/api/questionnaires', { raw: EXAMPLE });
    expect(imported.status).toBe(201);
    const created = await api('POST', '/api/rounds', {
      body: {
        questionnaire: { id: questionnaireId, version: 1 },
        name: unique('Phiếu lỗi'),
        year: 2026,
        kind: 'SIPAS',
        units: [{ code: 'U1', name: 'UBND phường Một' }],
        fields: [{ code: 'tp', name: 'Tư pháp' }],
      },
    });
    expect(created.status).toBe(201);
    roundId = created.json.roundId;
    // The round's questionnaire as ops read it (the paper-entry layout): the imported version.
    const layout = await api('GET', `/api/rounds/${roundId}/questionnaire`);
    expect(layout.status).toBe(200);
    expect(
      layout.json.sections.flatMap((s: { questions: { id: string }[] }) => s.questions.map((q) => q.id)),
    ).toEqual(questions.map((q) => q.id));
    const rows = Array.from(
      { length: 40 },
      (_, i) =>
        `Người dân ${i + 1};09${String(3000000 + i).padStart(8, '0')};HS-${i + 1};Tư pháp;U1;05/03/2026`,
    );
    const roster = ['Họ và tên;Số điện thoại;Mã hồ sơ;Lĩnh vực;Mã đơn vị;Ngày trả kết quả', ...rows].join(
      '\n',
    );
    const up = await api('POST', `/api/rounds/${roundId}/rosters?filename=loi.csv`, { raw: roster });
    expect(up.status).toBe(202);
    await eventually('import completed', async () => {
      const r = await api('GET', `/api/rounds/${roundId}/rosters/${up.json.importId}`);
      return r.json?.status === 'completed' ? r.json : undefined;
    });
    const drawn = await api('POST', `/api/rounds/${roundId}/samples`, {
      body: { seed: 'loi-2026', officialPerStratum: 30, reservePerStratum: 5 },
    });
    expect(drawn.status).toBe(202);
    sampleId = drawn.json.sampleId;
    await eventually('sample drawn', async () => {
      const m = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}`);
      return m.json?.status === 'completed' ? m.json : undefined;
    });
    tokens = linkTokens((await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/official.csv`)).text);
    reserve = linkTokens((await api('GET', `/api/rounds/${roundId}/samples/${sampleId}/reserve.csv`)).text);
    expect(tokens).toHaveLength(30);
    expect(reserve).toHaveLength(5);
  });

  type Case = { what: string; body: (t: string) => unknown; code: string; path?: string };
  const cases: Case[] = [
    {
      what: 'a scale above its maximum',
      body: (t) => ({ token: t, answers: { ...validAnswers(), [scale.id]: 6 } }),
      code: 'INVALID_SCALE',
      path: scale.id,
    },
    {
      what: 'a scale of 0',
      body: (t) => ({ token: t, answers: { ...validAnswers(), [scale.id]: 0 } }),
      code: 'INVALID_SCALE',
      path: scale.id,
    },
    {
      what: 'a scale that is not an integer',
      body: (t) => ({ token: t, answers: { ...validAnswers(), [scale.id]: 3.5 } }),
      code: 'INVALID_SCALE',
      path: scale.id,
    },
    {
      what: 'a scale sent as a string',
      body: (t) => ({ token: t, answers: { ...validAnswers(), [scale.id]: '4' } }),
      code: 'INVALID_SCALE',
      path: scale.id,
    },
    {
      what: 'an option code the question does not have',
      body: (t) => ({ token: t, answers: { ...validAnswers(), [single.id]: 'khong-co' } }),
      code: 'INVALID_OPTION',
      path: single.id,
    },
    {
      what: 'a required item left out',
      body: (t) => {
        const a = validAnswers();
        delete a[required.id];
        return { token: t, answers: a };
      },
      code: 'REQUIRED',
      path: required.id,
    },
    {
      what: 'an unknown question id',
      body: (t) => ({ token: t, answers: { ...validAnswers(), cau_la: 3 } }),
      code: 'UNKNOWN_QUESTION',
      path: 'cau_la',
    },
    {
      what: 'an extra top-level field',
      body: (t) => ({ token: t, answers: validAnswers(), admin: true }),
      code: 'UNKNOWN_FIELD',
    },
    {
      what: 'answers that are not an object',
      body: (t) => ({ token: t, answers: [1, 2, 3] }),
      code: 'INVALID_BODY',
    },
    {
      what: 'deeply nested values',
      body: (t) => {
        let deep: unknown = 1;
        for (let i = 0; i < 40; i++) deep = { x: deep };
        return { token: t, answers: { ...validAnswers(), [text.id]: deep } };
      },
      code: 'TOO_DEEP',
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.what}: 400 ${c.code}, a Vietnamese message, nothing stored`, async () => {
      const t = token();
      const res = await submit(c.body(t));
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe(c.code);
      expect(res.json.error.message).toMatch(/[àáảãạăâđêôơưếềểễệốồổỗộớờởỡợứừửữựíìỉĩịýỳỷỹỵ]/i);
      if (c.path) expect(res.json.error.details.map((d: { path: string }) => d.path)).toContain(c.path);
      expect(await stored(t)).toBeUndefined();
      // The token is still usable: the respondent fixes the form and sends it.
      const ok = await submit({ token: t, answers: validAnswers() });
      expect(ok.status).toBe(201);
    });
  }

  for (const key of ['__proto__', 'constructor', 'prototype']) {
    it(`refuses the prototype-pollution key ${key} (400 FORBIDDEN_KEY), not silently dropped`, async () => {
      const t = token();
      // Raw JSON: JSON.stringify would drop an own "__proto__" built by an object literal.
      const answers = JSON.stringify(validAnswers()).replace(/^\{/, `{"${key}":{"polluted":1},`);
      const res = await submitRaw(`{"token":"${t}","answers":${answers}}`);
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('FORBIDDEN_KEY');
      expect(await stored(t)).toBeUndefined();
      const top = await submitRaw(
        `{"token":"${t}","${key}":{"x":1},"answers":${JSON.stringify(validAnswers())}}`,
      );
      expect(top.status).toBe(400);
      expect(top.json.error.code).toBe('FORBIDDEN_KEY');
      expect((await submit({ token: t, answers: validAnswers() })).status).toBe(201);
    });
  }

  it('refuses malformed JSON, a wrong media type and an oversized body, each with its code', async () => {
    const t = token();
    const malformed = await submitRaw(`{"token":"${t}","answers":{`);
    expect([malformed.status, malformed.json.error.code]).toEqual([400, 'MALFORMED_JSON']);
    const media = await api('POST', '/api/submissions', { token: null, raw: 'token=x', type: 'text/plain' });
    expect([media.status, media.json.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const big = await submit({ token: t, answers: { ...validAnswers(), [text.id]: 'x'.repeat(80 * 1024) } });
    expect([big.status, big.json.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(await stored(t)).toBeUndefined();
    expect((await submit({ token: t, answers: validAnswers() })).status).toBe(201);
  });

  it('stores free text NFC, lone surrogates as U+FFFD, without NUL and C0 controls, as sent otherwise', async () => {
    const t = token();
    const decomposed = 'Nguye\u0302\u0303n'; // "Nguyễn" with combining marks
    const raw = `{"token":"${t}","answers":${JSON.stringify({ ...validAnswers(), [text.id]: 'x' }).replace(
      '"x"',
      JSON.stringify(`${decomposed} <script>alert(1)</script> a\u0000b\u0007c\nd\te`).replace(
        /"$/,
        '\\ud800"',
      ),
    )}}`;
    const res = await submitRaw(raw);
    expect(res.status).toBe(201);
    const item = await stored(t);
    expect(item?.answers[text.id]).toBe('Nguyễn <script>alert(1)</script> abc\nd\te\ufffd');
  });

  it('same body again → 200 and the same receipt; another body → 409 ALREADY_SUBMITTED', async () => {
    const t = token();
    const first = await submit({ token: t, answers: validAnswers(5) });
    expect(first.status).toBe(201);
    const again = await submit({ token: t, answers: validAnswers(5) });
    expect([again.status, again.json]).toEqual([200, first.json]);
    const other = await submit({ token: t, answers: validAnswers(2) });
    expect([other.status, other.json.error.code]).toEqual([409, 'ALREADY_SUBMITTED']);
    expect((await stored(t))?.receiptId).toBe(first.json.receiptId);
  });

  it('20 concurrent identical submissions store one; all get the same receipt', async () => {
    const t = token();
    const all = await Promise.all(
      Array.from({ length: 20 }, () => submit({ token: t, answers: validAnswers(3) })),
    );
    const statuses = all.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    expect(new Set(all.map((r) => r.json.receiptId)).size).toBe(1);
  });

  it('20 concurrent different bodies store one; the other 19 get 409', async () => {
    const t = token();
    const all = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        submit({ token: t, answers: { ...validAnswers(1 + (i % 5)), [text.id]: `ý kiến ${i}` } }),
      ),
    );
    const created = all.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    expect(all.filter((r) => r.status === 409)).toHaveLength(19);
    expect((await stored(t))?.receiptId).toBe(created[0]!.json.receiptId);
  });

  it('an unknown token → 404 TOKEN_NOT_FOUND; an inactive reserve → 403 TOKEN_NOT_ACTIVE; nothing stored', async () => {
    const unknown = await submit({ token: 'A'.repeat(32), answers: validAnswers() });
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'TOKEN_NOT_FOUND']);
    const r = reserve[4]!;
    const inactive = await submit({ token: r, answers: validAnswers() });
    expect([inactive.status, inactive.json.error.code]).toEqual([403, 'TOKEN_NOT_ACTIVE']);
    expect(inactive.json.error.message).toMatch(/dự phòng/i);
    expect(await stored(r)).toBeUndefined();
  });

  it('a substituted respondent’s token → 410 TOKEN_REVOKED on the API and the form; the reserve takes over', async () => {
    const manifest = await api('GET', `/api/rounds/${roundId}/samples/${sampleId}`);
    expect(manifest.status).toBe(200);
    // The last official (rank 30) has not answered: mark them unreachable.
    const sub = await api('POST', `/api/rounds/${roundId}/samples/${sampleId}/substitutions`, {
      body: {
        unitCode: 'U1',
        fieldCode: 'tp',
        rank: 30,
        reason: 'UNREACHABLE',
        note: 'Gọi 3 lần không được',
      },
    });
    expect(sub.status).toBeLessThan(300);
    const revoked = tokens[29]!;
    const api410 = await submit({ token: revoked, answers: validAnswers() });
    expect([api410.status, api410.json.error.code]).toEqual([410, 'TOKEN_REVOKED']);
    const form410 = await api('POST', `/f/${revoked}`, {
      token: null,
      raw: `${scale.id}=4`,
      type: 'application/x-www-form-urlencoded',
    });
    expect(form410.status).toBe(410);
    expect(await stored(revoked)).toBeUndefined();
    // The first reserve is active now.
    const takesOver = await submit({ token: reserve[0]!, answers: validAnswers() });
    expect(takesOver.status).toBe(201);
  });

  it('the no-JavaScript form post refuses a bad answer with the form again (400), then accepts, under a strict CSP', async () => {
    const t = token();
    const bad = await api('POST', `/f/${t}`, {
      token: null,
      raw: new URLSearchParams({ [scale.id]: '9', [text.id]: '<script>alert(1)</script>' }).toString(),
      type: 'application/x-www-form-urlencoded',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('<form');
    // The respondent's text comes back in the form, escaped, never as markup.
    expect(bad.text).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(bad.text).not.toContain('<script>alert(1)</script>');
    expect(await stored(t)).toBeUndefined();
    const fields = new URLSearchParams();
    for (const [id, v] of Object.entries(validAnswers())) {
      for (const one of Array.isArray(v) ? v : [v]) fields.append(id, String(one));
    }
    const ok = await api('POST', `/f/${t}`, {
      token: null,
      raw: fields.toString(),
      type: 'application/x-www-form-urlencoded',
    });
    expect(ok.status).toBe(201);
    const csp = ok.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect((await stored(t))?.channel).toBe('web');
  });
});
