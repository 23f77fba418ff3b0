// fauxqs (SQS + S3) in a process of its own, as DynamoDB Local runs in its own JVM: the broker's
// CPU and the messages it holds never count against the process that runs the handlers.
// Started by sqs-s3-engine.ts with an IPC channel; options in DIEUTRA_FAUXQS_OPTIONS.
import { startFauxqs } from 'fauxqs';

const options = JSON.parse(process.env.DIEUTRA_FAUXQS_OPTIONS ?? '{}');
const server = await startFauxqs({ port: 0, logger: false, ...options });

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  try {
    await server.stop();
  } finally {
    process.exit(0);
  }
};
process.on('message', (message) => {
  if (message?.kind === 'stop') void stop();
});
// The runtime died or was interrupted: never leave the broker behind.
process.on('disconnect', () => void stop());
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.send?.({ kind: 'ready', port: server.port });
