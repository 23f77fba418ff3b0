/**
 * `npm run build:console`: type-checks the console, builds it with Vite into console/dist, prints the
 * gzip size of the first load (index.html + the JS and CSS it references) and fails over budget.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const BUDGET_BYTES = 200 * 1024;
const root = fileURLToPath(new URL('.', import.meta.url));
const dist = join(root, 'dist');

const typecheck = spawnSync(
  process.execPath,
  [join(root, '../node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')],
  { stdio: 'inherit' },
);
if (typecheck.status !== 0) {
  console.error('✖ console: type errors (above)');
  process.exit(1);
}
await build({ configFile: join(root, 'vite.config.ts') });

const html = await readFile(join(dist, 'index.html'), 'utf8');
// Everything index.html pulls in on first load: its scripts, module preloads and stylesheets.
const referenced = [...html.matchAll(/(?:src|href)="\/ops\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
const files = [{ name: 'index.html', bytes: Buffer.from(html) }];
for (const name of new Set(referenced)) files.push({ name, bytes: await readFile(join(dist, name)) });
let total = 0;
for (const file of files) {
  const gz = gzipSync(file.bytes, { level: 9 }).length;
  total += gz;
  console.log(
    `  ${file.name.padEnd(40)} ${String(file.bytes.length).padStart(8)} B   gzip ${String(gz).padStart(7)} B`,
  );
}
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
console.log(`console first load: ${kb(total)} gzip (budget ${kb(BUDGET_BYTES)})`);
if (total > BUDGET_BYTES) {
  console.error(`✖ console first load ${kb(total)} gzip is over the ${kb(BUDGET_BYTES)} budget`);
  process.exit(1);
}
