/**
 * The local runtime: DynamoDB Local + fauxqs on free loopback ports, the tables/queues/buckets of
 * shared/platform/resources.ts, an API Gateway-like HTTP gateway, SQS pollers and a schedule ticker,
 * all driving the unchanged Lambda handlers listed in the function manifests.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { ALL_FUNCTIONS } from '../../services/manifests.ts';
import type { FunctionManifest } from '../../shared/platform/manifest.ts';
import { BUCKET_NAMES, BUCKET_NOTIFICATIONS, type QueueName } from '../../shared/platform/resources.ts';
import { compileRoutes } from '../../shared/platform/routes.ts';
import { type Authorizer, localAuthorizer } from './authorizer.ts';
import { LOCAL_REGION, localDynamoDbClient, localS3Client, localSqsClient } from './clients.ts';
import { createConsoleSite } from './console-site.ts';
import { type DemoInfo, seedDemo } from './demo-data.ts';
import { startDynamoDbLocal } from './dynamodb-engine.ts';
import { createGateway } from './gateway.ts';
import { applyEnv, buildHandlerEnv } from './handler-env.ts';
import { createInvoker } from './invoker.ts';
import { consoleLogger, type LocalLogger } from './log.ts';
import { REPO_ROOT } from './paths.ts';
import { startPollers } from './pollers.ts';
import {
  ensureBuckets,
  ensureQueues,
  ensureTables,
  type LocalQueue,
  localBucketName,
} from './resources-setup.ts';
import { persistedSecret, randomSecret } from './secret.ts';
import { startSqsS3Engine } from './sqs-s3-engine.ts';
import { startTicker } from './ticker.ts';
import { objectCreatedMessage } from './upload-proxy.ts';

export interface LocalRuntimeOptions {
  /** Gateway port on 127.0.0.1; 0 picks a free one. Default 3000. */
  port?: number;
  /** Folder for persistent data (`dynamodb/`, `fauxqs/`, `secret`); null keeps everything in memory. */
  dataDir?: string | null;
  /** Bearer token accepted on `ops` routes; random when absent. */
  devToken?: string;
  /** Replaces the dev-token + console-JWT check. */
  authorizer?: Authorizer;
  functions?: readonly FunctionManifest[];
  /** Seeds the demo round through the HTTP API once everything is up (needs infra/local/demo-data.ts). */
  seed?: boolean;
  /** Fire schedules on their own (default true); `runSchedule` works either way. */
  schedules?: boolean;
  /** How long a failed SQS message stays invisible before its retry (default 2 s). */
  retryDelaySeconds?: number;
  bodyLimitBytes?: number;
  /** Import every handler at start so a broken module shows at once (default true). */
  preload?: boolean;
  log?: LocalLogger;
}

export interface LocalRuntime {
  /** What the demo seed created (only when `seed` was asked for and succeeded). */
  demo: DemoInfo | undefined;
  baseUrl: string;
  devToken: string;
  endpoints: { dynamodb: string; sqs: string; s3: string };
  /** Folder of the notification outbox (one JSON file per message). */
  outboxDir: string;
  /** Queue URLs and ARNs (with their DLQs), by logical name. */
  queues: Record<QueueName, LocalQueue>;
  /** Child process ids: DynamoDB Local's JVM and the node process that runs fauxqs. */
  pids: { dynamodb: number; fauxqs: number };
  /** DynamoDB Local start-up time. */
  startupMs: { dynamodb: number; total: number };
  /** Invokes a schedule-triggered function now; resolves with its result. */
  runSchedule(name: string): Promise<unknown>;
  /** Waits until every consumed queue is empty and no batch is running. */
  waitForQueuesIdle(options?: { timeoutMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

type Stopper = () => Promise<unknown> | unknown;

export const startLocalRuntime = async (options: LocalRuntimeOptions = {}): Promise<LocalRuntime> => {
  const started = Date.now();
  const log = options.log ?? consoleLogger;
  const dataDir = options.dataDir === undefined || options.dataDir === null ? null : resolve(options.dataDir);
  const functions = options.functions ?? ALL_FUNCTIONS;
  const devToken = options.devToken ?? randomSecret();
  const routes = compileRoutes(functions);
  const invoker = createInvoker(REPO_ROOT);
  // Stopped in reverse order of start, whatever happens.
  const stoppers: Stopper[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stoppers.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        log.error('stopping the local runtime', error);
      }
    }
  };

  try {
    // The gateway binds first: a busy port fails in milliseconds, before any engine starts.
    const fallback = functions.find((f) => f.trigger.kind === 'http' && f.trigger.fallback);
    const gateway = createGateway({
      routes,
      ...(fallback ? { fallback } : {}),
      invoker,
      authorizer: options.authorizer ?? localAuthorizer(devToken),
      site: createConsoleSite({ devToken }),
      log,
      ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
    });
    const port = await gateway.listen(options.port ?? 3000);
    stoppers.push(() => gateway.close());
    const baseUrl = `http://127.0.0.1:${port}`;

    const [dynamodb, sqsS3] = await Promise.all([
      startDynamoDbLocal({ dataPath: dataDir && join(dataDir, 'dynamodb'), log }).then((engine) => {
        stoppers.push(() => engine.stop());
        return engine;
      }),
      startSqsS3Engine({ dataPath: dataDir && join(dataDir, 'fauxqs'), log }).then((engine) => {
        stoppers.push(() => engine.stop());
        return engine;
      }),
    ]);

    const ddb = localDynamoDbClient(dynamodb.endpoint);
    const sqs = localSqsClient(sqsS3.endpoint);
    const s3 = localS3Client(sqsS3.endpoint);
    stoppers.push(() => {
      ddb.destroy();
      sqs.destroy();
      s3.destroy();
    });
    const [{ created }, queues] = await Promise.all([
      ensureTables(ddb),
      ensureQueues(sqs, sqsS3.endpoint),
      ensureBuckets(s3),
    ]);
    if (created.length > 0) log.info(`created tables: ${created.join(', ')}`);

    const secret = await persistedSecret(dataDir, 'secret');
    // Messages (reminders, codes) land as files: in the data folder, or a fresh temp folder in memory mode.
    const outboxDir = dataDir ? join(dataDir, 'outbox') : await mkdtemp(join(tmpdir(), 'dieutra-outbox-'));
    const restoreEnv = applyEnv(
      buildHandlerEnv({
        dynamodbEndpoint: dynamodb.endpoint,
        sqsEndpoint: sqsS3.endpoint,
        s3Endpoint: sqsS3.endpoint,
        queueUrls: Object.fromEntries(Object.values(queues).map((q) => [q.name, q.url])) as Record<
          QueueName,
          string
        >,
        secret,
        publicBaseUrl: baseUrl,
        outboxDir,
        publicS3Endpoint: `${baseUrl}/uploads`,
      }),
    );
    stoppers.push(restoreEnv);

    // S3 event notifications, as AWS would send them (fauxqs has none).
    gateway.setUploadTarget({
      s3,
      buckets: new Set(BUCKET_NAMES.map(localBucketName)),
      onObjectCreated: async (object) => {
        for (const n of BUCKET_NOTIFICATIONS) {
          if (localBucketName(n.bucket) !== object.bucket || !object.key.startsWith(n.prefix)) continue;
          await sqs.send(
            new SendMessageCommand({
              QueueUrl: queues[n.queue].url,
              MessageBody: objectCreatedMessage(object, LOCAL_REGION),
            }),
          );
        }
      },
    });

    if (options.preload ?? true) {
      for (const { fn, error } of await invoker.preload(functions)) {
        log.warn(
          `${fn.name}: handler ${fn.entry} cannot be loaded yet — ${(error as Error).message ?? error}`,
        );
      }
    }

    const pollers = startPollers({
      sqs,
      invoker,
      queues,
      functions,
      log,
      retryDelaySeconds: options.retryDelaySeconds ?? 2,
    });
    stoppers.push(() => pollers.stop());
    const ticker = startTicker({ functions, invoker, log, enabled: options.schedules ?? true });
    stoppers.push(() => ticker.stop());

    gateway.setReady(true);
    // Requests stop first on shutdown (stoppers run in reverse), then consumers, then the engines.
    stoppers.push(() => gateway.close());

    const demo = options.seed ? await seedDemoData({ baseUrl, token: devToken }, log) : undefined;

    let stopping: Promise<void> | undefined;
    return {
      baseUrl,
      devToken,
      demo,
      endpoints: { dynamodb: dynamodb.endpoint, sqs: sqsS3.endpoint, s3: sqsS3.endpoint },
      outboxDir,
      queues,
      pids: { dynamodb: dynamodb.pid, fauxqs: sqsS3.pid },
      startupMs: { dynamodb: dynamodb.startupMs, total: Date.now() - started },
      runSchedule: (name) => ticker.runSchedule(name),
      waitForQueuesIdle: (opts) => pollers.waitForIdle(opts),
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};

/** Demo data goes in through the public API; a failure is logged and the runtime keeps running. */
const seedDemoData = async (
  target: { baseUrl: string; token: string },
  log: LocalLogger,
): Promise<DemoInfo | undefined> => {
  try {
    const info = await seedDemo(target);
    log.info('demo data: ready');
    return info;
  } catch (error) {
    log.error('demo data: seeding failed (the runtime keeps running)', error);
    return undefined;
  }
};
