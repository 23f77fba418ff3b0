/**
 * The bare `node:http` peer: reads the JSON body, parses it and answers 201 with a receipt-shaped
 * body, the same headers the gateway sends for JSON. Nothing else: the floor any HTTP path pays.
 * Runs in its own process (like the runtime) and reports its port over IPC.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

const status = Number(process.env.DIEUTRA_BENCH_BARE_STATUS ?? '201');

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    try {
      if (chunks.length > 0) JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' });
      res.end('{"code":"BAD_JSON"}');
      return;
    }
    const body = JSON.stringify({
      receiptId: `rcp_${randomBytes(12).toString('base64url')}`,
      submittedAt: new Date().toISOString(),
    });
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ kind: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});

const stop = () => server.close(() => process.exit(0));
process.on('message', (m: { kind: string }) => {
  if (m.kind === 'stop') {
    server.closeAllConnections();
    stop();
  }
});
process.on('disconnect', () => process.exit(0));
