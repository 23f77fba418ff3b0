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
}

export const DEFAULT_BOOTSTRAP: Required<BootstrapOptions> = {
  replicates: 1000,
  seed: 20221110,
  level: 0.95,
  keepReplicates: false,
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
  byField: Array<{ fieldCode: string } & BootstrapEntity>;
  round: BootstrapEntity;
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
    const E = this.elementCount;
    const A = this.aspectCount;
    const item = (i: number) => this.itemIndex(answered[i]!, satisfied[i]!, levelSum[i]!);
    for (let k = 0; k < E; k++) out[k] = meanOf(this.elementItems[k]!.map(item));
    for (let k = 0; k < A; k++) out[E + k] = meanOf(this.aspectElements[k]!.map((e) => out[e]!));
    let overall: number;
    switch (this.rules.aggregation) {
      case 'mean-of-aspects':
        overall = meanOf(Array.from({ length: A }, (_, k) => out[E + k]!));
        break;
      case 'mean-of-elements':
        overall = meanOf(Array.from({ length: E }, (_, k) => out[k]!));
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
        w.values.forEach((weight, k) => {
          const v = out[offset + k]!;
          if (Number.isNaN(v)) return;
          num += weight * v;
          den += weight;
        });
        overall = den === 0 ? Number.NaN : num / den;
        break;
      }
    }
    out[E + A] = overall;
  }
}

function meanOf(values: number[]): number {
  let s = 0;
  let n = 0;
  for (const v of values) {
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
  const { replicates: B, seed, level, keepReplicates } = { ...DEFAULT_BOOTSTRAP, ...options };
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
  // Per stratum and item: full-sample totals of answered, satisfied, level sum.
  const totals = new Float64Array(G * I * 3);
  members.forEach((forms, g) => {
    for (const f of forms) {
      for (let i = 0; i < I; i++) {
        const a = columns.answers[i]![f]!;
        if (a === 0) continue;
        const at = (g * I + i) * 3;
        totals[at]! += 1;
        totals[at + 1]! += composer.isSatisfied(a) ? 1 : 0;
        totals[at + 2]! += a;
      }
    }
  });

  const unitCodes = [...new Set(groups.map((g) => g.unitCode))].sort();
  const fieldCodes = [...new Set(groups.map((g) => g.fieldCode))].sort();
  const unitOf = groups.map((g) => unitCodes.indexOf(g.unitCode));
  const fieldOf = groups.map((g) => fieldCodes.indexOf(g.fieldCode));
  const entities = G + unitCodes.length + fieldCodes.length + 1;
  const width = composer.elementCount + composer.aspectCount + 1;
  const values = Array.from({ length: entities * width }, () => new Float64Array(B));

  const lambda = members.map((forms, g) => rescaleFactor(forms.length, input.population[g] ?? null));
  const rng = new Xoshiro128(seed);
  const sums = new Float64Array(entities * I * 3);
  const drawn = new Float64Array(I * 3);
  const out = new Float64Array(width);
  for (let b = 0; b < B; b++) {
    sums.fill(0);
    members.forEach((forms, g) => {
      const n = forms.length;
      const lam = lambda[g]!;
      drawn.fill(0);
      if (lam > 0) {
        const m = n - 1;
        for (let k = 0; k < m; k++) {
          const f = forms[rng.below(n)]!;
          for (let i = 0; i < I; i++) {
            const a = columns.answers[i]![f]!;
            if (a === 0) continue;
            drawn[i * 3]! += 1;
            drawn[i * 3 + 1]! += composer.isSatisfied(a) ? 1 : 0;
            drawn[i * 3 + 2]! += a;
          }
        }
      }
      // Σ w_i x_i = (1 − λ) Σ x_i + λ (n / m) Σ r_i x_i
      const scale = lam > 0 ? (lam * n) / (n - 1) : 0;
      const rows = [g, G + unitOf[g]!, G + unitCodes.length + fieldOf[g]!, entities - 1];
      for (let k = 0; k < I * 3; k++) {
        const v = (1 - lam) * totals[g * I * 3 + k]! + scale * drawn[k]!;
        for (const r of rows) sums[r * I * 3 + k]! += v;
      }
    });
    const answered = new Float64Array(I);
    const satisfied = new Float64Array(I);
    const levelSum = new Float64Array(I);
    for (let e = 0; e < entities; e++) {
      for (let i = 0; i < I; i++) {
        answered[i] = sums[(e * I + i) * 3]!;
        satisfied[i] = sums[(e * I + i) * 3 + 1]!;
        levelSum[i] = sums[(e * I + i) * 3 + 2]!;
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
    byField: fieldCodes.map((fieldCode, k) => ({ fieldCode, ...entity(G + unitCodes.length + k) })),
    round: entity(entities - 1),
    singletonStrata: members.flatMap((forms, g) => (forms.length === 1 ? [g] : [])),
  };
}
