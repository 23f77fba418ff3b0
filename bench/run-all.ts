/**
 * `npm run bench`: runs every per-area bench that exists, one child process each, in turn, and
 * prints one block with all their figures at the end. Not part of `npm test`: speed goals are
 * checked here, on this 2-core machine, beside peers measured in the same run, not by timed tests.
 *
 * Where the slice's measurements went (they used to live here):
 *   parse 100,000-row roster (pure)            → bench/roster-parse.ts
 *   hash-rank draw, 100,000 dossiers (pure)    → bench/sampling-draw.ts
 *   import 10,000 rows end to end              → bench/roster-intake.ts (quick run: 20,000 rows)
 *   draw + official.csv export on the runtime  → bench/submission.ts (its set-up lines)
 *   submissions under load                     → bench/submission.ts (10 and 50 connections)
 *
 *   npm run bench -- [--full] [--only submission,roster-intake] [--timeout-minutes 30]
 * `--full` runs every script with its own defaults (e.g. the 1,000,000-row intake); without it the
 * long ones get a quick size so the whole run stays within minutes.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface Script {
  name: string;
  /** What it measures, for the skip note. */
  what: string;
  /** Arguments for the quick run (`--full` drops them). */
  quick?: string[];
}

const SCRIPTS: Script[] = [
  { name: 'roster-parse', what: 'roster parsing, pure (rows/s, MB/s, heap)' },
  { name: 'sampling-draw', what: 'hash-rank draw, pure, beside the hash floor' },
  { name: 'scoring-core', what: 'scoring core beside a typed-array reference and pandas' },
  {
    name: 'roster-intake',
    what: 'roster intake end to end beside BatchWriteItem',
    quick: ['--rows', '20000'],
  },
  { name: 'sampling', what: 'draw from 1,000,000 stored dossiers end to end' },
  {
    name: 'scoring',
    what: 'scoring core (1,000,000 forms) and recompute 100,000 stored submissions end to end',
    quick: ['--forms', '200000', '--stored', '5000', '--units', '50'],
  },
  { name: 'submission', what: 'submissions under load beside bare node:http and PutItem' },
];

const { values: args } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    only: { type: 'string' },
    'timeout-minutes': { type: 'string', default: '30' },
  },
});
const only = args.only?.split(',').map((s) => s.trim().replace(/\.ts$/, ''));
const timeoutMs = Number(args['timeout-minutes']) * 60_000;
const PASTE_MARK = '--- paste into the notes ---';

/** Runs one script, its output shown as it comes; resolves with its stdout and exit status. */
const run = (file: string, scriptArgs: string[]): Promise<{ code: number | null; stdout: string }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...scriptArgs], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      process.stdout.write(chunk);
    });
    // Bounded: a script that hangs is stopped (SIGINT first so it stops its runtime, then SIGKILL).
    const timer = setTimeout(() => {
      console.error(`run-all: ${file} still running after ${timeoutMs / 60_000} min, stopping it`);
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });

/** The script's own paste block (bench/lib/print.ts), or its last lines when it has none. */
const figuresOf = (stdout: string): string => {
  const at = stdout.lastIndexOf(PASTE_MARK);
  if (at >= 0)
    return stdout
      .slice(at + PASTE_MARK.length)
      .replace(/```/g, '')
      .trim();
  return stdout.trim().split('\n').slice(-30).join('\n');
};

console.log(`dieutra benchmarks — Node ${process.version}, ${new Date().toISOString()}`);
const blocks: string[] = [];
for (const script of SCRIPTS) {
  if (only && !only.includes(script.name)) continue;
  const file = fileURLToPath(new URL(`./${script.name}.ts`, import.meta.url));
  if (!existsSync(file)) {
    const note = `bench/${script.name}.ts: not present yet, skipped (${script.what})`;
    console.log(`\n== ${note}`);
    blocks.push(`# ${note}`);
    continue;
  }
  const scriptArgs = args.full ? [] : (script.quick ?? []);
  console.log(`\n== bench/${script.name}.ts ${scriptArgs.join(' ')}`.trimEnd());
  const { code, stdout } = await run(file, scriptArgs);
  blocks.push(
    code === 0 ? figuresOf(stdout) : `# bench/${script.name}.ts FAILED (exit ${code})\n${figuresOf(stdout)}`,
  );
}
console.log(`\n=== all figures ===\n\`\`\`\n${blocks.join('\n\n')}\n\`\`\``);
