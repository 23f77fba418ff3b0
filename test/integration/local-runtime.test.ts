/**
 * The local runtime itself, driven through fixture handlers (test/fixtures/local) on a second runtime
 * instance of its own (the global one serves the real services).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { quietLogger } from '../../infra/local/log.ts';
import { REPO_ROOT } from '../../infra/local/paths.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { FIXTURE_FUNCTIONS } from '../fixtures/local/functions.ts';

const TOKEN = 'fixture-token-abcdefgh';
const BODY_LIMIT = 64 * 1024;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Polls until `probe` returns a value (not undefined) or the deadline passes. */
const eventually = async <T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Java processes whose command line mentions `needle` (e.g. a port or a data folder). */
const javaMatching = (needle: string): string[] => {
  try {
    return execFileSync('pgrep', ['-af', 'DynamoDBLocal'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(needle));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
};

// biome-ignore lint/suspicious/noExplicitAny: assertions walk the echoed JSON freely
type Json = any;
const json = async (res: Response): Promise<Json> => res.json();

const docClient = (endpoint: string) =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region: 'us-east-1', credentials }));

describe('local runtime with fixture handlers', () => {
  let rt: LocalRuntime;
  let ddb: DynamoDBDocumentClient;
  const logged: string[] = [];
  const captureLog = {
    info: () => {},
    warn: (message: string) => logged.push(message),
    error: (message: string, error?: unknown) => logged.push(`${message} ${String(error)}`),
  };

  beforeAll(async () => {
    rt = await startLocalRuntime({
      port: 0,
      dataDir: null,
      devToken: TOKEN,
      functions: FIXTURE_FUNCTIONS,
      schedules: false,
      retryDelaySeconds: 1,
      bodyLimitBytes: BODY_LIMIT,
      log: captureLog,
    });
    ddb = docClient(rt.endpoints.dynamodb);
  });
  afterAll(async () => {
    ddb?.destroy();
    await rt?.stop();
  });

  const get = (path: string, init?: RequestInit) => fetch(`${rt.baseUrl}${path}`, init);

  it('uses the global runtime provided by the setup too', () => {
    expect(inject('baseUrl')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(inject('devToken')).toBeTruthy();
  });

  it('answers unknown paths with 404 and wrong methods with 405 + Allow, as JSON', async () => {
    const notFound = await get('/nowhere');
    expect(notFound.status).toBe(404);
    expect(await json(notFound)).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });

    const wrongMethod = await get('/echo/1', { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD, POST');
    expect((await json(wrongMethod)).error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('builds an API Gateway v2 event like AWS', async () => {
    const res = await get('/echo/a%20b?x=1&x=2&y=%C3%A2', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'c1=v1; c2=v2', 'x-multi': 'one' },
      body: JSON.stringify({ tên: 'Nguyễn' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-fixture')).toBe('echo');
    const { event, context } = await json(res);
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /echo/{id}',
      rawPath: '/echo/a%20b',
      rawQueryString: 'x=1&x=2&y=%C3%A2',
      cookies: ['c1=v1', 'c2=v2'],
      queryStringParameters: { x: '1,2', y: 'â' },
      pathParameters: { id: 'a b' },
      body: '{"tên":"Nguyễn"}',
      isBase64Encoded: false,
      requestContext: {
        accountId: expect.any(String),
        apiId: expect.any(String),
        domainName: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
        http: { method: 'POST', path: '/echo/a%20b', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
        routeKey: 'POST /echo/{id}',
        stage: '$default',
        requestId: expect.any(String),
        time: expect.stringMatching(/^\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000$/),
        timeEpoch: expect.any(Number),
      },
    });
    expect(event.headers['x-multi']).toBe('one');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.authorizer).toBeUndefined();
    expect(context.functionName).toBe('fixture-echo');
    expect(context.awsRequestId).toBe(event.requestContext.requestId);
    expect(context.remainingMs).toBeGreaterThan(0);
  });

  it('passes binary bodies as base64 and prefers a literal segment over a parameter', async () => {
    const binary = await json(
      await get('/echo/1', {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: new Uint8Array([0, 159, 255]),
      }),
    );
    expect(binary.event).toMatchObject({
      isBase64Encoded: true,
      body: Buffer.from([0, 159, 255]).toString('base64'),
    });

    const special = await json(await get('/echo/special'));
    expect(special.event.routeKey).toBe('GET /echo/special');
    expect(special.event.pathParameters).toBeUndefined();
  });

  it('answers HEAD on a GET route without a body', async () => {
    const res = await get('/echo/1', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('maps plain results, cookies and base64 responses like API Gateway', async () => {
    const plain = await get('/plain');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(await json(plain)).toEqual({ hello: 'xin chào' });
    expect(await (await get('/text')).text()).toBe('just a string');

    const cookies = await get('/cookies');
    expect(cookies.status).toBe(204);
    expect(cookies.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);

    const binary = await get('/binary');
    expect(Buffer.from(await binary.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it('turns a throwing handler into a 500 without a stack trace', async () => {
    const res = await get('/boom');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL_ERROR', message: expect.any(String) } });
    expect(text).not.toMatch(/secret-detail|at .*\.ts/);
    // …but the error reaches the runtime's log (stderr by default).
    expect(
      logged.some((l) => l.includes('fixture-misc: GET /boom failed') && l.includes('secret-detail')),
    ).toBe(true);
  });

  it('requires the dev token on ops routes and passes JWT-style claims', async () => {
    const missing = await get('/api/ops/whoami');
    expect(missing.status).toBe(401);
    expect((await json(missing)).error.code).toBe('UNAUTHENTICATED');

    const wrong = await get('/api/ops/whoami', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect((await json(wrong)).error.code).toBe('INVALID_TOKEN');

    const ok = await get('/api/ops/whoami', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await json(ok)).toEqual({
      authorizer: { jwt: { claims: { sub: 'dev', roles: 'admin', units: '*' }, scopes: null } },
    });
  });

  it('refuses a body over the limit with 413, by its declared length or while streaming', async () => {
    const declared = await get('/echo/1', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x'.repeat(BODY_LIMIT + 1),
    });
    expect(declared.status).toBe(413);
    expect((await json(declared)).error.code).toBe('PAYLOAD_TOO_LARGE');

    // Chunked upload, no Content-Length: the gateway counts while reading and stops at the limit.
    const url = new URL(`${rt.baseUrl}/echo/1`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST' },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.setHeader('content-type', 'text/plain');
      req.write('y'.repeat(BODY_LIMIT));
      req.write('y'.repeat(1024));
      req.end();
    });
    expect(status).toBe(413);
  });

  it('lets a client still sending a too-large body read its 413 (no connection reset)', async () => {
    // A browser uploading a big file keeps sending after the gateway has answered: the gateway must
    // read and discard the rest, so the client sees the JSON error instead of ECONNRESET / EPIPE.
    const url = new URL(`${rt.baseUrl}/echo/1`);
    const total = BODY_LIMIT * 40;
    const answer = await new Promise<{ status: number; body: string; error?: string }>((resolve) => {
      const seen: { status: number; body: string; error?: string } = { status: 0, body: '' };
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST' },
        (res) => {
          seen.status = res.statusCode ?? 0;
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            seen.body += c;
          });
          res.on('error', (e) => {
            seen.error ??= e.message;
          });
        },
      );
      // Settled only when the whole exchange is over: an upload cut short shows up here.
      req.on('error', (e) => {
        seen.error ??= e.message;
      });
      req.on('close', () => resolve(seen));
      req.setHeader('content-type', 'application/octet-stream');
      req.setHeader('content-length', String(total));
      // Streamed in small pieces over a few hundred milliseconds, as a slow uplink would.
      const piece = Buffer.alloc(16 * 1024, 0x61);
      let sent = 0;
      const pump = (): void => {
        if (sent >= total) return void req.end();
        for (let i = 0; i < 4 && sent < total; i++) {
          sent += piece.length;
          req.write(piece);
        }
        setTimeout(pump, 5);
      };
      pump();
    });
    expect(answer.error).toBeUndefined();
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('polls the queue: successes are deleted, reported failures and throwing batches retried, then dead-lettered', async () => {
    for (const job of [{ id: 'ok-1' }, { id: 'fail-1', mode: 'fail' }]) {
      const res = await get('/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(job),
      });
      expect(res.status).toBe(202);
    }
    await rt.waitForQueuesIdle({ timeoutMs: 45_000 });

    const attempts = async (id: string) =>
      (
        await ddb.send(
          new QueryCommand({
            TableName: 'dieutra-local-results',
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `job#${id}` },
          }),
        )
      ).Items ?? [];

    const ok = await attempts('ok-1');
    expect(ok.map((i) => i.sk)).toEqual(['attempt#1']);
    expect(ok[0]).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: rt.queues['scoring-events'].arn,
      kind: 'fixture',
    });
    // scoring-events has maxReceiveCount 5: five deliveries, then the DLQ.
    expect((await attempts('fail-1')).map((i) => i.sk).sort()).toEqual([
      'attempt#1',
      'attempt#2',
      'attempt#3',
      'attempt#4',
      'attempt#5',
    ]);
    const sqs = new SQSClient({
      endpoint: rt.endpoints.sqs,
      region: 'us-east-1',
      credentials,
      useQueueUrlAsEndpoint: false,
    });
    try {
      const dead = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: rt.queues['scoring-events'].dlqUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
        }),
      );
      expect((dead.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}').id)).toEqual(['fail-1']);

      // A handler that throws fails its whole batch.
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: rt.queues['scoring-events'].url,
          MessageBody: JSON.stringify({ id: 'throw-1', mode: 'throw' }),
        }),
      );
      await rt.waitForQueuesIdle({ timeoutMs: 45_000 });
      expect(await attempts('throw-1')).toHaveLength(5);
    } finally {
      sqs.destroy();
    }
  }, 120_000);

  it('gathers a batch over the batching window, as the event source mapping does', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `win-${i}`);
    const posted = await Promise.all(
      ids.map((id) =>
        get('/jobs', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id }),
        }),
      ),
    );
    expect(posted.map((r) => r.status)).toEqual(ids.map(() => 202));
    await rt.waitForQueuesIdle({ timeoutMs: 45_000 });
    const sizes = await Promise.all(
      ids.map(async (id) => {
        const out = await ddb.send(
          new GetCommand({ TableName: 'dieutra-local-results', Key: { pk: `job#${id}`, sk: 'attempt#1' } }),
        );
        return out.Item?.batchSize;
      }),
    );
    // Ten a receive, but one batch of all 25 (batchSize 30, window 2 s): one invocation.
    expect(sizes).toEqual(ids.map(() => 25));
  }, 60_000);

  it('runs a schedule on demand with its payload', async () => {
    await expect(rt.runSchedule('fixture-nightly')).resolves.toEqual({ ok: true });
    const items = await ddb.send(
      new QueryCommand({
        TableName: 'dieutra-local-results',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'nightly' },
      }),
    );
    expect(items.Items?.[0]?.payload).toEqual({ job: 'nightly', v: 1 });
    await expect(rt.runSchedule('no-such-schedule')).rejects.toThrow(/no schedule-triggered function/);
  });
});

describe('local runtime persistence and shutdown', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dieutra-local-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps DynamoDB items, queued messages and the secret across a restart, and leaves no java behind', async () => {
    const endpointBefore = process.env.DIEUTRA_ENDPOINT_DYNAMODB;
    const first = await startLocalRuntime({
      port: 0,
      dataDir,
      functions: [],
      schedules: false,
      log: quietLogger,
    });
    const secret = await readFile(join(dataDir, 'secret'), 'utf8');
    const port = new URL(first.endpoints.dynamodb).port;
    let ddb = docClient(first.endpoints.dynamodb);
    await ddb.send(
      new PutCommand({
        TableName: 'dieutra-local-rounds',
        Item: { pk: 'round#1', sk: 'meta', name: 'Vòng 1' },
      }),
    );
    ddb.destroy();
    let sqs = new SQSClient({
      endpoint: first.endpoints.sqs,
      region: 'us-east-1',
      credentials,
      useQueueUrlAsEndpoint: false,
    });
    await sqs.send(
      new SendMessageCommand({ QueueUrl: first.queues['roster-chunks'].url, MessageBody: 'kept' }),
    );
    sqs.destroy();
    expect(javaMatching(`-port ${port}`)).toHaveLength(1);
    await first.stop();
    expect(isAlive(first.pids.dynamodb)).toBe(false);
    expect(javaMatching(`-port ${port}`)).toEqual([]);
    // stop() puts back the environment it found (here: the global runtime's, inherited by this worker).
    expect(process.env.DIEUTRA_ENDPOINT_DYNAMODB).toBe(endpointBefore);

    const second = await startLocalRuntime({
      port: 0,
      dataDir,
      functions: [],
      schedules: false,
      log: quietLogger,
    });
    try {
      ddb = docClient(second.endpoints.dynamodb);
      const { Item } = await ddb.send(
        new GetCommand({ TableName: 'dieutra-local-rounds', Key: { pk: 'round#1', sk: 'meta' } }),
      );
      ddb.destroy();
      expect(Item?.name).toBe('Vòng 1');
      expect(await readFile(join(dataDir, 'secret'), 'utf8')).toBe(secret);
      expect(process.env.DIEUTRA_SECRET).toBe(secret.trim());
      sqs = new SQSClient({
        endpoint: second.endpoints.sqs,
        region: 'us-east-1',
        credentials,
        useQueueUrlAsEndpoint: false,
      });
      const received = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: second.queues['roster-chunks'].url, WaitTimeSeconds: 1 }),
      );
      sqs.destroy();
      expect(received.Messages?.[0]?.Body).toBe('kept');
      // Persisted queue URLs follow the new port.
      expect(new URL(second.queues['roster-chunks'].url).port).toBe(new URL(second.endpoints.sqs).port);
    } finally {
      await second.stop();
    }
    expect(isAlive(second.pids.dynamodb)).toBe(false);
  }, 90_000);
});

describe('npm start (infra/local/main.ts)', () => {
  let dataDir: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dieutra-main-'));
  });
  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Runs main.ts in its own process group, as a terminal would; collects its output. */
  const startMain = (env: Record<string, string>) => {
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'infra/local/main.ts', '--no-seed'],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, DIEUTRA_DATA_DIR: dataDir, ...env },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    const output = { text: '' };
    child.stdout?.on('data', (d: Buffer) => {
      output.text += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      output.text += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, output, exited };
  };

  it('prints the URLs and token, serves, and stops everything on Ctrl-C', async () => {
    const main = startMain({ PORT: '0', DIEUTRA_DEV_TOKEN: 'main-test-token-1' });
    const baseUrl = await eventually(async () => {
      if (main.child.exitCode !== null) throw new Error(`main.ts exited early:\n${main.output.text}`);
      return /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(main.output.text)?.[1];
    }, 90_000).catch((error: Error) => {
      throw new Error(`${error.message}\n--- main.ts output ---\n${main.output.text}`);
    });
    expect(main.output.text).toContain('main-test-token-1');
    expect(main.output.text).toMatch(/DynamoDB Local +http:\/\/127\.0\.0\.1:\d+/);
    const res = await fetch(`${baseUrl}/nowhere`);
    expect(res.status).toBe(404);
    expect(javaMatching(dataDir)).toHaveLength(1);

    // Ctrl-C in a terminal signals the whole foreground process group.
    process.kill(-(main.child.pid as number), 'SIGINT');
    expect(await main.exited).toBe(0);
    await eventually(async () => (javaMatching(dataDir).length === 0 ? true : undefined), 10_000);
  }, 150_000);

  it('fails with one clear line when the port is busy', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const main = startMain({ PORT: String((blocker.address() as AddressInfo).port) });
      expect(await main.exited).toBe(1);
      const lines = main.output.text.split('\n').filter((l) => l.startsWith('✖'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/Cổng \d+ đang bận.*PORT=/);
      expect(javaMatching(dataDir)).toEqual([]);
    } finally {
      blocker.close();
    }
  }, 60_000);
});
