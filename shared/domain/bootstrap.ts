/**
 * Design-based 95 % intervals of composed SIPAS indexes (element, aspect, overall) by a stratified
 * rescaled bootstrap (Rao & Wu 1988; Rao, Wu & Yue 1992) — the method, formulas and a worked example
 * are in docs/margins-of-error.md.
 *
 * Strata are the unit × field groups of the columns (the sampling strata of methodology.md §5). In each
 * replicate and stratum h with n_h valid forms out of N_h on the roster, m_h = n_h − 1 forms are drawn
 * with replacement; form i drawn r_i times gets the weight
 *   w_i = 1 − λ_h + λ_h · (n_h / m_h) · r_i,   λ_h = √(m_h · (1 − f_h) / (n_h − 1)) = √(1 − f_h),
 * f_h = n_h / N_h (the finite-population correction; f_h = 0 when the roster count is unknown). Weights
 * are ≥ 0 and average 1, so a replicate estimate is the published estimator computed on weighted counts.
 * Strata with one valid form add no variance (no within-stratum spread can be estimated; reported).
 *
 * Replicates are arithmetic in float64 (they only place the interval's ends); the point estimate stays
 * the exact decimal of the scoring core. Reproducible: xoshiro128** seeded by splitmix32 from `seed`,
 * replicates in order, strata in the order of `groups`, forms of a stratum in column order.
 */
import { ScoringInputError } from './errors.ts';
import type { SipasColumns, SipasGroupKey } from './sipas-aggregate.ts';
import { resolveSipasRules, type SipasRules } from './sipas-rules.ts';
import { type QuestionnaireTemplate, satisfactionItems } from './template.ts';

/**
 * xoshiro128** 1.1 (Blackman & Vigna 2018), 32-bit state words seeded by splitmix32 — small, fast and
 * identical on every platform, so a stated seed gives the same interval everywhere.
 */
export class Xoshiro128 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    let s = seed >>> 0;
    const splitmix32 = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix32();
    this.b = splitmix32();
    this.c = splitmix32();
    this.d = splitmix32();
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.b << 9) >>> 0;
    this.c = (this.c ^ this.a) >>> 0;
    this.d = (this.d ^ this.b) >>> 0;
    this.b = (this.b ^ this.c) >>> 0;
    this.a = (this.a ^ this.d) >>> 0;
    this.c = (this.c ^ t) >>> 0;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 random bits. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n): ⌊u · n / 2³²⌋ (exact in float64 for n < 2²¹). */
  below(n: number): number {
    return Math.floor((this.nextUint32() * n) / 4294967296);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export interface BootstrapOptions {
  /** Replicates B (default 1000). */
  replicates?: number;
  /** Seed of the generator (default 20221110, the date of QĐ 876 — any stated number will do). */
  seed?: number;
  /** Coverage of the interval (default 0.95). */
  level?: number;
  /** Keep every replicate value on the intervals (`values`), for checks and the worked example. */
  keepReplicates?: boolean;
  /**
   * Also the field and round entities, which pool strata across units (default true). A caller that
   * bootstraps one unit at a time (scoring's fan-out) sets false: there they would only repeat the
   * unit × field and unit entities; `byField` is then empty and `round` null.
   */
  acrossUnits?: boolean;
}

export const DEFAULT_BOOTSTRAP: Required<BootstrapOptions> = {
  replicates: 1000,
  seed: 20221110,
  level: 0.95,
  keepReplicates: false,
  acrossUnits: true,
};

export interface Interval {
  /** Percentile interval of the replicates (R quantile type 7). `null` when nothing to estimate. */
  lower: number | null;
  upper: number | null;
  /** Standard deviation of the replicates (the bootstrap standard error). */
  se: number | null;
  /** Replicates in which the index was defined (it can be undefined when every drawn form is blank). */
  replicates: number;
  /** The B replicate values in order (NaN = undefined), when `keepReplicates`. */
  values?: Float64Array;
}

export interface BootstrapEntity {
  elements: Interval[];
  aspects: Interval[];
  overall: Interval;
}

export interface BootstrapResult {
  method: 'rao-wu-rescaled-bootstrap';
  replicates: number;
  seed: number;
  level: number;
  /** In the order of `groups`. */
  byUnitField: BootstrapEntity[];
  byUnit: Array<{ unitCode: string } & BootstrapEntity>;
  /** Empty when `acrossUnits` is false. */
  byField: Array<{ fieldCode: string } & BootstrapEntity>;
  /** Null when `acrossUnits` is false. */
  round: BootstrapEntity | null;
  /** Strata with a single valid form (no variance contribution). */
  singletonStrata: number[];
}

export interface BootstrapInput {
  template: QuestionnaireTemplate;
  groups: readonly SipasGroupKey[];
  columns: SipasColumns;
  /** Roster count N_h of each group (forms that could have been drawn); `null` = unknown (no FPC). */
  population: ReadonlyArray<number | null>;
  rules?: Partial<SipasRules>;
}

/** λ_h = √(1 − f_h) with m_h = n_h − 1; 0 for a singleton stratum. */
export function rescaleFactor(valid: number, population: number | null): number {
  if (valid <= 1) return 0;
  const f = population === null || population <= 0 ? 0 : Math.min(1, valid / population);
  return Math.sqrt(1 - f);
}

/** Quantile of sorted values, R type 7: x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]), h = (n − 1)p. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const x = sorted[lo]!;
  const y = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  return x + (h - lo) * (y - x);
}

function summarise(values: Float64Array, level: number, keep: boolean): Interval {
  const defined = values.filter((v) => !Number.isNaN(v)).sort();
  const kept = keep ? { values } : {};
  if (defined.length === 0) return { lower: null, upper: null, se: null, replicates: 0, ...kept };
  let m = 0;
  for (const v of defined) m += v;
  m /= defined.length;
  let ss = 0;
  for (const v of defined) ss += (v - m) ** 2;
  const alpha = (1 - level) / 2;
  return {
    lower: quantileSorted(defined, alpha),
    upper: quantileSorted(defined, 1 - alpha),
    se: defined.length > 1 ? Math.sqrt(ss / (defined.length - 1)) : 0,
    replicates: defined.length,
    ...kept,
  };
}

/**
 * The published composition in float64, on weighted counts: per item answered A, satisfied S and level
 * sum L (for `mean-normalised`); item → element → aspect → overall per the round's rules.
 */
export class FloatComposer {
  private readonly satisfied: boolean[];
  private readonly elementItems: number[][];
  private readonly aspectElements: number[][];
  private readonly weights: { level: 'element' | 'aspect'; values: number[] } | null;
  readonly elementCount: number;
  readonly aspectCount: number;
  constructor(
    private readonly template: QuestionnaireTemplate,
    private readonly rules: SipasRules,
  ) {
    const items = satisfactionItems(template);
    const levels = new Set(rules.satisfiedLevels ?? template.scale.satisfiedLevels);
    this.satisfied = [0, 1, 2, 3, 4, 5].map((l) => levels.has(l));
    this.elementItems = template.elements.map((e) =>
      items.flatMap((q, i) => (q.elementCode === e.code ? [i] : [])),
    );
    const aspects = template.aspects ?? [];
    this.aspectElements = aspects.map((a) =>
      template.elements.flatMap((e, k) => (e.aspectCode === a.code ? [k] : [])),
    );
    this.elementCount = template.elements.length;
    this.aspectCount = aspects.length;
    const w = rules.weights;
    this.weights =
      w === undefined
        ? null
        : {
            level: w.level,
            values: (w.level === 'element' ? template.elements : aspects).map((p) => w.values[p.code] ?? 0),
          };
  }

  isSatisfied(level: number): boolean {
    return this.satisfied[level] === true;
  }

  itemIndex(answered: number, satisfied: number, levelSum: number): number {
    if (!(answered > 0)) return Number.NaN;
    if (this.rules.indexMethod === 'share-satisfied') return (100 * satisfied) / answered;
    const { min, max } = this.template.scale;
    return ((levelSum / answered - min) / (max - min)) * 100;
  }

  /** Writes elements then aspects then overall into `out` (length E + A + 1); NaN = not applicable. */
  compose(answered: Float64Array, satisfied: Float64Array, levelSum: Float64Array, out: Float64Array): void {
    // Plain loops, no per-call arrays: this runs E + A + 1 times per entity and replicate. The sums
    // are taken in the same order as the published composition (item order within an element, …).
    const E = this.elementCount;
    const A = this.aspectCount;
    for (let k = 0; k < E; k++) {
      const items = this.elementItems[k]!;
      let s = 0;
      let n = 0;
      for (let j = 0; j < items.length; j++) {
        const i = items[j]!;
        const v = this.itemIndex(answered[i]!, satisfied[i]!, levelSum[i]!);
        if (Number.isNaN(v)) continue;
        s += v;
        n += 1;
      }
      out[k] = n === 0 ? Number.NaN : s / n;
    }
    for (let k = 0; k < A; k++) {
      const elements = this.aspectElements[k]!;
      let s = 0;
      let n = 0;
      for (let j = 0; j < elements.length; j++) {
        const v = out[elements[j]!]!;
        if (Number.isNaN(v)) continue;
        s += v;
        n += 1;
      }
      out[E + k] = n === 0 ? Number.NaN : s / n;
    }
    let overall: number;
    switch (this.rules.aggregation) {
      case 'mean-of-aspects':
        overall = meanOfRange(out, E, E + A);
        break;
      case 'mean-of-elements':
        overall = meanOfRange(out, 0, E);
        break;
      case 'pooled': {
        let a = 0;
        let s = 0;
        let l = 0;
        for (let i = 0; i < answered.length; i++) {
          a += answered[i]!;
          s += satisfied[i]!;
          l += levelSum[i]!;
        }
        overall = this.itemIndex(a, s, l);
        break;
      }
      case 'weighted': {
        const w = this.weights!;
        const offset = w.level === 'element' ? 0 : E;
        let num = 0;
        let den = 0;
        for (let k = 0; k < w.values.length; k++) {
          const v = out[offset + k]!;
          if (Number.isNaN(v)) continue;
          const weight = w.values[k]!;
          num += weight * v;
          den += weight;
        }
        overall = den === 0 ? Number.NaN : num / den;
        break;
      }
    }
    out[E + A] = overall;
  }
}

/** Mean of the defined values of `values[from..to)`, in order; NaN when none is defined. */
function meanOfRange(values: Float64Array, from: number, to: number): number {
  let s = 0;
  let n = 0;
  for (let k = from; k < to; k++) {
    const v = values[k]!;
    if (Number.isNaN(v)) continue;
    s += v;
    n += 1;
  }
  return n === 0 ? Number.NaN : s / n;
}

/**
 * Stratified rescaled bootstrap of every group's, unit's, field's and the round's element, aspect and
 * overall index. Memory: (groups + units + fields + 1) × (E + A + 1) × B float64 — run it per unit or
 * per field slice of a national wave (the strata are independent).
 */
export function bootstrapSipas(input: BootstrapInput, options: BootstrapOptions = {}): BootstrapResult {
  const { replicates: B, seed, level, keepReplicates, acrossUnits } = { ...DEFAULT_BOOTSTRAP, ...options };
  if (!Number.isInteger(B) || B < 2) throw new ScoringInputError(`số lần lặp bootstrap ${B} không hợp lệ`);
  if (!(level > 0 && level < 1)) throw new ScoringInputError(`độ tin cậy ${level} không hợp lệ`);
  const rules = resolveSipasRules(input.rules);
  const { template, groups, columns } = input;
  const items = satisfactionItems(template);
  const I = items.length;
  const G = groups.length;
  if (input.population.length !== G) {
    throw new ScoringInputError(`cần số lượng tổng thể của ${G} nhóm, nhận được ${input.population.length}`);
  }
  if (columns.answers.length !== I) {
    throw new ScoringInputError(`cần ${I} cột câu trả lời, nhận được ${columns.answers.length}`);
  }
  const composer = new FloatComposer(template, rules);

  // Valid forms of each stratum, in column order.
  const members: number[][] = groups.map(() => []);
  for (let f = 0; f < columns.group.length; f++) {
    if (columns.valid[f] !== 1) continue;
    const g = columns.group[f]!;
    if (g >= G) throw new ScoringInputError(`phiếu thứ ${f + 1}: nhóm ${g} không tồn tại`);
    members[g]!.push(f);
  }
  // Per form and item: answered, satisfied and (for `mean-normalised` only, the one method that reads
  // it) the level — P numbers per item, 0 for an item left blank.
  const P = rules.indexMethod === 'mean-normalised' ? 3 : 2;
  const W = I * P;
  // Each valid form as one contiguous row, so a draw adds a row; adding 0 changes no float sum, so the
  // totals are bit-identical to adding only the answered items.
  const rowsOf = members.map((forms) => {
    const rows = new Uint8Array(forms.length * W);
    forms.forEach((f, k) => {
      for (let i = 0; i < I; i++) {
        const a = columns.answers[i]![f]!;
        if (a === 0) continue;
        rows[k * W + i * P] = 1;
        rows[k * W + i * P + 1] = composer.isSatisfied(a) ? 1 : 0;
        if (P === 3) rows[k * W + i * P + 2] = a;
      }
    });
    return rows;
  });
  // Per stratum: full-sample totals.
  const totals = new Float64Array(G * W);
  rowsOf.forEach((rows, g) => {
    for (let at = 0; at < rows.length; at += W)
      for (let j = 0; j < W; j++) totals[g * W + j]! += rows[at + j]!;
  });

  const unitCodes = [...new Set(groups.map((g) => g.unitCode))].sort();
  const fieldCodes = [...new Set(groups.map((g) => g.fieldCode))].sort();
  const unitOf = groups.map((g) => unitCodes.indexOf(g.unitCode));
  const fieldOf = groups.map((g) => fieldCodes.indexOf(g.fieldCode));
  // Entities: groups, units, then (acrossUnits) fields and the round.
  const entities = G + unitCodes.length + (acrossUnits ? fieldCodes.length + 1 : 0);
  const width = composer.elementCount + composer.aspectCount + 1;
  const values = Array.from({ length: entities * width }, () => new Float64Array(B));

  const lambda = members.map((forms, g) => rescaleFactor(forms.length, input.population[g] ?? null));
  // Each valid form as one row of (answered, satisfied, level) per item — 0, 0, 0 for an item it left
  // blank — so a draw adds a contiguous row (adding 0 changes no float sum: the totals are bit-identical
  // to adding only the answered items).
  const targetsOf = groups.map((_, g) =>
    acrossUnits
      ? [g * W, (G + unitOf[g]!) * W, (G + unitCodes.length + fieldOf[g]!) * W, (entities - 1) * W]
      : [g * W, (G + unitOf[g]!) * W],
  );
  const rng = new Xoshiro128(seed);
  const sums = new Float64Array(entities * W);
  const drawn = new Float64Array(W);
  const out = new Float64Array(width);
  const answered = new Float64Array(I);
  const satisfied = new Float64Array(I);
  const levelSum = new Float64Array(I);
  for (let b = 0; b < B; b++) {
    sums.fill(0);
    for (let g = 0; g < G; g++) {
      const n = members[g]!.length;
      const lam = lambda[g]!;
      const rows = rowsOf[g]!;
      drawn.fill(0);
      if (lam > 0) {
        const m = n - 1;
        for (let k = 0; k < m; k++) {
          const base = rng.below(n) * W;
          for (let j = 0; j < W; j++) drawn[j]! += rows[base + j]!;
        }
      }
      // Σ w_i x_i = (1 − λ) Σ x_i + λ (n / m) Σ r_i x_i
      const scale = lam > 0 ? (lam * n) / (n - 1) : 0;
      const targets = targetsOf[g]!;
      const t0 = g * W;
      for (let k = 0; k < W; k++) {
        const v = (1 - lam) * totals[t0 + k]! + scale * drawn[k]!;
        for (let r = 0; r < targets.length; r++) sums[targets[r]! + k]! += v;
      }
    }
    for (let e = 0; e < entities; e++) {
      for (let i = 0; i < I; i++) {
        answered[i] = sums[e * W + i * P]!;
        satisfied[i] = sums[e * W + i * P + 1]!;
        if (P === 3) levelSum[i] = sums[e * W + i * P + 2]!;
      }
      composer.compose(answered, satisfied, levelSum, out);
      for (let k = 0; k < width; k++) values[e * width + k]![b] = out[k]!;
    }
  }

  const entity = (e: number): BootstrapEntity => {
    const get = (k: number) => summarise(values[e * width + k]!, level, keepReplicates);
    return {
      elements: Array.from({ length: composer.elementCount }, (_, k) => get(k)),
      aspects: Array.from({ length: composer.aspectCount }, (_, k) => get(composer.elementCount + k)),
      overall: get(width - 1),
    };
  };
  return {
    method: 'rao-wu-rescaled-bootstrap',
    replicates: B,
    seed,
    level,
    byUnitField: groups.map((_, g) => entity(g)),
    byUnit: unitCodes.map((unitCode, u) => ({ unitCode, ...entity(G + u) })),
    byField: acrossUnits
      ? fieldCodes.map((fieldCode, k) => ({ fieldCode, ...entity(G + unitCodes.length + k) }))
      : [],
    round: acrossUnits ? entity(entities - 1) : null,
    singletonStrata: members.flatMap((forms, g) => (forms.length === 1 ? [g] : [])),
  };
}
