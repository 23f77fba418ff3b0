/**
 * SIPAS scoring core at national scale (issue 11): 1,000,000 generated submissions × 22 items in
 * ~23,000 unit × field groups. Prints, from one run on the same data:
 *   (a) our columnar core (`aggregateSipasColumns`: counts + exact decimal indexes at every level),
 *   (b) a deliberately plain typed-array reference (one straight loop, float64 item % and element means),
 *   (c) pandas (via `$PYTHON`, default `python3`) when `import pandas` works, else a skip note;
 * and checks that the three agree on every group's item % within 1e-9.
 * Run: `npx tsx bench/scoring-core.ts [forms]`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  aggregateSipasColumns,
  columnValidFlags,
  composeSipasCounts,
  countSipasColumns,
  getTemplate,
  parseTemplate,
  type SipasGroupKey,
  satisfactionItems,
  Xoshiro128,
} from '../shared/domain/index.ts';

const FORMS = Number(process.argv[2] ?? 1_000_000);
const UNITS = 2_300;
const FIELDS = 10;
// The national form has 22 satisfaction items: the 2024 template cut to 2–3 items per element.
const KEEP: Record<string, number> = { P1: 2, P2: 2, P3: 2, P4: 2, S1: 3, S2: 3, S3: 3, S4: 3, S5: 2 };
const full = getTemplate('sipas-2024-v1');
const kept = new Map<string, number>();
const template = parseTemplate({
  ...full,
  id: 'sipas-bench-22',
  sections: full.sections.map((s) => ({
    ...s,
    questions: s.questions.filter((q) => {
      if (q.type !== 'scale' || q.elementCode === undefined) return true;
      const n = (kept.get(q.elementCode) ?? 0) + 1;
      kept.set(q.elementCode, n);
      return n <= (KEEP[q.elementCode] ?? 0);
    }),
  })),
});
const items = satisfactionItems(template);
const I = items.length;
const line = (name: string, value: string) => console.log(`${name.padEnd(58)} ${value}`);

// ---- data: each group has its own satisfaction propensity; ~3 % blanks; ~1 % nearly empty forms
const rng = new Xoshiro128(20_261_201);
const groups: SipasGroupKey[] = [];
for (let u = 0; u < UNITS; u++)
  for (let f = 0; f < FIELDS; f++)
    groups.push({ unitCode: `U${String(u).padStart(5, '0')}`, fieldCode: `F${f}` });
const G = groups.length;
const group = new Uint32Array(FORMS);
const answers = items.map(() => new Uint8Array(FORMS));
const propensity = Float64Array.from(groups, () => 0.55 + 0.4 * rng.next());
for (let n = 0; n < FORMS; n++) {
  const g = rng.below(G);
  group[n] = g;
  const empty = rng.next() < 0.01;
  const p = propensity[g]!;
  for (let i = 0; i < I; i++) {
    const r = rng.next();
    answers[i]![n] = empty || r < 0.03 ? 0 : r < 0.03 + (1 - p) * 0.97 ? 1 + rng.below(3) : 4 + rng.below(2);
  }
}
const valid = columnValidFlags(template, answers);
const elementOf = items.map((q) => template.elements.findIndex((e) => e.code === q.elementCode));
const E = template.elements.length;
line(
  'data',
  `${FORMS.toLocaleString('en')} forms × ${I} items, ${G.toLocaleString('en')} unit × field groups`,
);

// ---- (b) plain reference: one straight loop over forms and items, float64 counters for 4 levels
function reference(forms: number) {
  const unitOf = Uint32Array.from(groups, (_, g) => Math.floor(g / FIELDS));
  const fieldOf = Uint32Array.from(groups, (_, g) => g % FIELDS);
  const levels = [G, UNITS, FIELDS, 1].map((rows) => ({
    n: new Float64Array(rows * I),
    s: new Float64Array(rows * I),
    pct: new Float64Array(rows * I),
    element: new Float64Array(rows * E),
  }));
  for (let f = 0; f < forms; f++) {
    if (valid[f] !== 1) continue;
    const g = group[f]!;
    const rows = [g, unitOf[g]!, fieldOf[g]!, 0];
    for (let i = 0; i < I; i++) {
      const a = answers[i]![f]!;
      if (a === 0) continue;
      for (let l = 0; l < 4; l++) {
        const at = rows[l]! * I + i;
        levels[l]!.n[at]! += 1;
        if (a >= 4) levels[l]!.s[at]! += 1;
      }
    }
  }
  for (const lv of levels) {
    const rows = lv.element.length / E;
    for (let r = 0; r < rows; r++) {
      const sum = new Float64Array(E);
      const cnt = new Float64Array(E);
      for (let i = 0; i < I; i++) {
        const at = r * I + i;
        lv.pct[at] = lv.n[at]! > 0 ? (100 * lv.s[at]!) / lv.n[at]! : Number.NaN;
        if (lv.n[at]! > 0) {
          sum[elementOf[i]!]! += lv.pct[at]!;
          cnt[elementOf[i]!]! += 1;
        }
      }
      for (let k = 0; k < E; k++) lv.element[r * E + k] = cnt[k]! > 0 ? sum[k]! / cnt[k]! : Number.NaN;
    }
  }
  return levels;
}

const time = <T>(fn: () => T): [T, number] => {
  const t0 = performance.now();
  const out = fn();
  return [out, (performance.now() - t0) / 1000];
};

// Warm-up: both sides run once on the first 50,000 forms, so neither pays the JIT in the timed run.
{
  const n = Math.min(FORMS, 50_000);
  const slice = {
    group: group.subarray(0, n),
    valid: valid.subarray(0, n),
    answers: answers.map((a) => a.subarray(0, n)),
  };
  aggregateSipasColumns({ template, groups, columns: slice });
  reference(n);
}
// The machine is shared: each side runs RUNS times, alternating, and the best run of each is printed.
const RUNS = Number(process.env.RUNS ?? 3);
let countSeconds = Number.POSITIVE_INFINITY;
let composeSeconds = Number.POSITIVE_INFINITY;
let coreSeconds = Number.POSITIVE_INFINITY;
let refSeconds = Number.POSITIVE_INFINITY;
let core: ReturnType<typeof composeSipasCounts> | undefined;
let ref: ReturnType<typeof reference> | undefined;
for (let run = 0; run < RUNS; run++) {
  const [counts, c] = time(() => countSipasColumns({ template, groups, columns: { group, valid, answers } }));
  const [result, k] = time(() => composeSipasCounts(counts));
  if (c + k < coreSeconds) [coreSeconds, countSeconds, composeSeconds] = [c + k, c, k];
  core = result;
  const [r, t] = time(() => reference(FORMS));
  refSeconds = Math.min(refSeconds, t);
  ref = r;
}
if (core === undefined || ref === undefined) throw new Error('RUNS must be ≥ 1');
line('runs per side (best shown)', String(RUNS));
line('(a) core: counts + exact decimal indexes, 4 levels', `${coreSeconds.toFixed(3)} s`);
line('    of which counting in typed arrays', `${countSeconds.toFixed(3)} s`);
line('    of which exact composition (decimal.js, memoised)', `${composeSeconds.toFixed(3)} s`);
line('(b) typed-array reference: float64 item % + element means', `${refSeconds.toFixed(3)} s`);
line('    core ÷ reference', `${(coreSeconds / refSeconds).toFixed(2)}× (goal ≤ 1.5×)`);
line('    counting ÷ reference', `${(countSeconds / refSeconds).toFixed(2)}×`);

let worst = 0;
const groupRef = ref[0]!;
for (let k = 0; k < G * I; k++) {
  const exact = core.byUnitField.itemIndex[k];
  const r = groupRef.pct[k]!;
  if (exact === null || exact === undefined) {
    if (!Number.isNaN(r)) throw new Error(`group item ${k}: core null, reference ${r}`);
    continue;
  }
  worst = Math.max(worst, Math.abs(exact.toNumber() - r));
}
for (let k = 0; k < G * E; k++) {
  const exact = core.byUnitField.elementIndex[k];
  const r = groupRef.element[k]!;
  if (exact !== null && exact !== undefined) worst = Math.max(worst, Math.abs(exact.toNumber() - r));
}
if (worst > 1e-9) throw new Error(`core and reference disagree by ${worst}`);
line('    core vs reference, item % and element means per group', `max |Δ| = ${worst.toExponential(2)} ✓`);

// ---- (c) pandas on the same data, through a binary temp file
const python = process.env.PYTHON ?? 'python3';
const probe = spawnSync(python, ['-c', 'import pandas'], { encoding: 'utf8' });
if (probe.status !== 0) {
  line('(c) pandas', `skipped: \`${python} -c 'import pandas'\` failed`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'scoring-core-'));
  try {
    writeFileSync(join(dir, 'group.u32'), group);
    writeFileSync(join(dir, 'valid.u8'), valid);
    const matrix = new Uint8Array(FORMS * I);
    for (let i = 0; i < I; i++) matrix.set(answers[i]!, i * FORMS);
    writeFileSync(join(dir, 'answers.u8'), matrix);
    const script = `
import sys, time, numpy as np, pandas as pd
d, n, I, G = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
group = np.fromfile(d + '/group.u32', dtype=np.uint32)
valid = np.fromfile(d + '/valid.u8', dtype=np.uint8)
answers = np.fromfile(d + '/answers.u8', dtype=np.uint8).reshape(I, n)
df = pd.DataFrame({f'q{i}': answers[i] for i in range(I)})
df['g'] = group
t0 = time.perf_counter()
v = df[valid == 1]
cols = [f'q{i}' for i in range(I)]
answered = (v[cols] > 0).astype(np.int32)
satisfied = (v[cols] >= 4).astype(np.int32)
answered['g'] = v['g'].values
satisfied['g'] = v['g'].values
na = answered.groupby('g').sum().reindex(range(G))
ns = satisfied.groupby('g').sum().reindex(range(G))
pct = 100 * ns / na.where(na > 0)
seconds = time.perf_counter() - t0
pct.to_numpy(dtype=np.float64).tofile(d + '/pct.f64')
print(seconds)
`;
    const run = spawnSync(python, ['-c', script, dir, String(FORMS), String(I), String(G)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (run.status !== 0) throw new Error(`pandas run failed: ${run.stderr}`);
    const pandasSeconds = Number(run.stdout.trim());
    const buf = readFileSync(join(dir, 'pct.f64'));
    const pct = new Float64Array(buf.buffer, buf.byteOffset, G * I);
    let worstPandas = 0;
    for (let k = 0; k < G * I; k++) {
      const exact = core.byUnitField.itemIndex[k];
      const p = pct[k]!;
      if (exact === null || exact === undefined) {
        if (!Number.isNaN(p)) throw new Error(`group item ${k}: core null, pandas ${p}`);
        continue;
      }
      worstPandas = Math.max(worstPandas, Math.abs(exact.toNumber() - p));
    }
    if (worstPandas > 1e-9) throw new Error(`core and pandas disagree by ${worstPandas}`);
    line('(c) pandas groupby (item % per group only)', `${pandasSeconds.toFixed(3)} s`);
    line('    core ÷ pandas', `${(coreSeconds / pandasSeconds).toFixed(2)}× (goal < 1)`);
    line('    core vs pandas, item % per group', `max |Δ| = ${worstPandas.toExponential(2)} ✓`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
