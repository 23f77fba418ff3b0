/**
 * `npm start`: the whole system on this machine. Data persists in `.data/` (DIEUTRA_DATA_DIR) across
 * restarts; `--fresh` wipes it first; `--no-seed` skips the demo round.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readMainConfig } from './config.ts';
import { LocalRuntimeError } from './errors.ts';
import { type LocalRuntime, startLocalRuntime } from './runtime.ts';
import { persistedSecret } from './secret.ts';

const REPEAT_SIGNAL_GRACE_MS = 2_000;

/** What the runtime writes into the data folder; `--fresh` removes exactly these. */
const DATA_ENTRIES = ['dynamodb', 'fauxqs', 'secret', 'dev-token'];

/** Known failures (busy port, no Java, …) are one clear line; anything else shows in full. */
const fail = (error: unknown): never => {
  if (error instanceof LocalRuntimeError) console.error(`✖ ${error.message.split('\n')[0]}`);
  else console.error('✖', error);
  process.exit(1);
};

const banner = (runtime: LocalRuntime, dataDir: string): string => {
  const { baseUrl, devToken, endpoints } = runtime;
  return [
    '',
    `dieutra đang chạy / running at ${baseUrl}`,
    `  Ứng dụng / app        ${baseUrl}/`,
    `  Bảng điều hành / ops console  ${baseUrl}/ops/   (người dùng thử: infra/local/dev-users.json)`,
    `  Sức khỏe / health     ${baseUrl}/api/health`,
    `  API vận hành / ops    ${baseUrl}/api/rounds   (Authorization: Bearer <dev token>)`,
    `  DynamoDB Local        ${endpoints.dynamodb}`,
    `  SQS + S3 (fauxqs)     ${endpoints.sqs}`,
    `  Mã dev / dev token    ${devToken}`,
    `  Dữ liệu / data        ${dataDir}`,
    '',
    `  curl -H "Authorization: Bearer ${devToken}" ${baseUrl}/api/rounds`,
    '',
    ...(runtime.demo
      ? [
          `Đợt mẫu / demo round  ${baseUrl}/api/rounds/${runtime.demo.roundId}`,
          `  Kết quả / results     ${baseUrl}/api/rounds/${runtime.demo.roundId}/results`,
          '  Phiếu chưa trả lời / open forms:',
          ...runtime.demo.openFormLinks.map((link) => `    ${link}`),
          '',
        ]
      : []),
    'Ctrl-C để dừng / to stop',
    '',
  ].join('\n');
};

const main = async (): Promise<void> => {
  const config = readMainConfig(process.env, process.argv.slice(2));
  if (config.fresh) {
    await Promise.all(
      DATA_ENTRIES.map((entry) => rm(join(config.dataDir, entry), { recursive: true, force: true })),
    );
    console.log(`[local] --fresh: cleared ${config.dataDir}`);
  }
  await mkdir(config.dataDir, { recursive: true });
  const devToken = config.devToken ?? (await persistedSecret(config.dataDir, 'dev-token'));

  let runtime: LocalRuntime | undefined;
  let shuttingDown = false;
  let firstSignalAt = 0;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      // One Ctrl-C can arrive twice (from the terminal to the whole group, and relayed by tsx):
      // only a later, deliberate second one leaves at once (the exit hook still kills DynamoDB Local).
      if (Date.now() - firstSignalAt < REPEAT_SIGNAL_GRACE_MS) return;
      process.exit(130);
    }
    shuttingDown = true;
    firstSignalAt = Date.now();
    console.log(`\n[local] ${signal}: đang dừng / stopping…`);
    const stopping = runtime ? runtime.stop() : Promise.resolve();
    stopping.then(
      () => process.exit(0),
      (error: unknown) => fail(error),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  runtime = await startLocalRuntime({
    port: config.port,
    dataDir: config.dataDir,
    devToken,
    seed: config.seed,
  });
  if (shuttingDown) {
    await runtime.stop();
    process.exit(0);
  }
  console.log(banner(runtime, config.dataDir));
};

main().catch(fail);
