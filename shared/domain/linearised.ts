/**
 * Linearised (Taylor) 95 % intervals of composed SIPAS indexes over many strata — the design-based
 * interval of a field's and the round's element, aspect and overall index when the round is scored in
 * parts (docs/margins-of-error.md §3b). The bootstrap (bootstrap.ts) needs every form of every stratum in
 * one place; this method needs only per-stratum moments, which add up across parts.
 *
 * Per valid form k of stratum h, the vector x_k = (a_1 … a_I, v_1 … v_I): a_i = 1 when item i has a
 * valid answer, v_i = 1 when that answer is satisfied (share-satisfied) or the level (mean-normalised).
 * The published estimator is a smooth function θ(A, V) of the pooled totals A_i = Σ a_i, V_i = Σ v_i.
 * Under stratified sampling without replacement within each stratum,
 *   Var(X) = Σ_h (1 − f_h) · n_h / (n_h − 1) · Σ_{k∈h} (x_k − x̄_h)(x_k − x̄_h)ᵀ,   f_h = n_h / N_h,
 * and Var θ ≈ ∇θᵀ Var(X) ∇θ; the interval is θ̂ ± z · √Var θ, clipped to 0–100. Strata with one valid
 * form add nothing (as in the bootstrap). ∇θ is taken by central differences of the published
 * composition (`FloatComposer`), so every aggregation rule is covered without its own derivative.
 */
import { FloatComposer } from './bootstrap.ts';
import { Z_95 } from './confidence.ts';
import { ScoringInputError } from './errors.ts';
import { resolveSipasRules, type SipasRules } from './sipas-rules.ts';
import { type QuestionnaireTemplate, satisfactionItems } from './template.ts';

/** Length of the packed upper triangle of a d × d symmetric matrix. */
export const packedLength = (d: number): number => (d * (d + 1)) / 2;

const at = (d: number, r: number, c: number): number => r * d - (r * (r - 1)) / 2 + (c - r);

export interface MomentsInput {
  template: QuestionnaireTemplate;
  rules?: Partial<SipasRules>;
  /** Per satisfaction item (template order), per form: 0 = missing/invalid answer, 1–5 = level. */
  answers: readonly Uint8Array[];
  /** Positions (into the answer columns) of the stratum's valid forms. */
  forms: ArrayLike<number>;
  /** Roster count N_h; `null` = unknown (no finite-population correction). */
  population: number | null;
}

/**
 * Variance contribution of one stratum to the pooled totals, packed upper triangle of the 2I × 2I matrix
 * (1 − f_h) · n_h/(n_h − 1) · Σ (x_k − x̄)(x_k − x̄)ᵀ.
 */
export function stratumMoments(input: MomentsInput): Float64Array<ArrayBuffer> {
  const rules = resolveSipasRules(input.rules);
  const I = satisfactionItems(input.template).length;
  if (input.answers.length !== I) {
    throw new ScoringInputError(`cần ${I} cột câu trả lời, nhận được ${input.answers.length}`);
  }
  const d = 2 * I;
  const out = new Float64Array(packedLength(d));
  const n = input.forms.length;
  if (n <= 1) return out;
  const composer = new FloatComposer(input.template, rules);
  const share = rules.indexMethod === 'share-satisfied';
  const x = new Float64Array(d);
  const sum = new Float64Array(d);
  const nz = new Int32Array(d);
  for (let k = 0; k < n; k++) {
    const f = input.forms[k]!;
    let m = 0;
    for (let i = 0; i < I; i++) {
      if (input.answers[i]![f]! === 0) continue;
      x[i] = 1;
      nz[m++] = i;
    }
    const answeredCount = m;
    for (let p = 0; p < answeredCount; p++) {
      const i = nz[p]!;
      const a = input.answers[i]![f]!;
      const v = share ? (composer.isSatisfied(a) ? 1 : 0) : a;
      if (v === 0) continue;
      x[I + i] = v;
      nz[m++] = I + i;
    }
    // nz is ascending (answered items, then their values), so r ≤ c in the packed triangle.
    for (let p = 0; p < m; p++) {
      const r = nz[p]!;
      const xr = x[r]!;
      sum[r]! += xr;
      const row = r * d - (r * (r - 1)) / 2 - r;
      for (let q = p; q < m; q++) {
        const c = nz[q]!;
        out[row + c]! += xr * x[c]!;
      }
    }
    for (let p = 0; p < m; p++) x[nz[p]!] = 0;
  }
  const f = input.population === null || input.population <= 0 ? 0 : Math.min(1, n / input.population);
  const scale = ((1 - f) * n) / (n - 1);
  for (let r = 0; r < d; r++) {
    for (let c = r; c < d; c++) {
      const k = at(d, r, c);
      out[k] = scale * (out[k]! - (sum[r]! * sum[c]!) / n);
    }
  }
  return out;
}

/** `target += source`, element-wise (moments of disjoint strata add). */
export function addMoments(
  target: Float64Array<ArrayBuffer>,
  source: Float64Array,
): Float64Array<ArrayBuffer> {
  if (target.length !== source.length) throw new ScoringInputError('hai ma trận mômen không cùng cỡ');
  for (let k = 0; k < target.length; k++) target[k]! += source[k]!;
  return target;
}

export interface LinearisedInterval {
  /** The index from the pooled totals in float64 (equals the exact decimal to ~1e-12). */
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  se: number | null;
}

export interface LinearisedResult {
  method: 'taylor-linearisation';
  elements: LinearisedInterval[];
  aspects: LinearisedInterval[];
  overall: LinearisedInterval;
}

/**
 * Intervals of every element, aspect and the overall index of one entity (a field, the round) from its
 * pooled totals (A_i answered, V_i satisfied / level sum, per item) and summed stratum moments.
 */
export function linearisedIntervals(
  template: QuestionnaireTemplate,
  rulesInput: Partial<SipasRules> | undefined,
  totals: { answered: ArrayLike<number>; value: ArrayLike<number> },
  moments: Float64Array,
  options: { z?: number } = {},
): LinearisedResult {
  const rules = resolveSipasRules(rulesInput);
  const composer = new FloatComposer(template, rules);
  const I = satisfactionItems(template).length;
  const d = 2 * I;
  if (totals.answered.length !== I || totals.value.length !== I) {
    throw new ScoringInputError(`cần tổng của ${I} câu hỏi`);
  }
  if (moments.length !== packedLength(d)) throw new ScoringInputError('ma trận mômen sai cỡ');
  const z = options.z ?? Z_95;
  const E = composer.elementCount;
  const A = composer.aspectCount;
  const width = E + A + 1;
  const answered = Float64Array.from(totals.answered);
  const value = Float64Array.from(totals.value);
  const evaluate = (out: Float64Array) => composer.compose(answered, value, value, out);
  const point = new Float64Array(width);
  evaluate(point);
  // ∂θ/∂x_j for every output, by central differences (only where the total is > 0: an item nobody
  // answered is absent from the composition, and perturbing it would make it appear).
  const grad = Array.from({ length: width }, () => new Float64Array(d));
  const up = new Float64Array(width);
  const down = new Float64Array(width);
  for (let j = 0; j < d; j++) {
    const arr = j < I ? answered : value;
    const i = j < I ? j : j - I;
    const base = arr[i]!;
    if (!(answered[i]! > 0)) continue;
    const h = Math.max(Math.abs(base), 1) * 1e-6;
    arr[i] = base + h;
    evaluate(up);
    arr[i] = base - h;
    evaluate(down);
    arr[i] = base;
    for (let o = 0; o < width; o++) {
      const g = (up[o]! - down[o]!) / (2 * h);
      grad[o]![j] = Number.isFinite(g) ? g : 0;
    }
  }
  const interval = (o: number): LinearisedInterval => {
    const est = point[o]!;
    if (Number.isNaN(est)) return { estimate: null, lower: null, upper: null, se: null };
    const g = grad[o]!;
    let v = 0;
    for (let r = 0; r < d; r++) {
      if (g[r] === 0) continue;
      const row = r * d - (r * (r - 1)) / 2 - r;
      v += g[r]! * g[r]! * moments[row + r]!;
      for (let c = r + 1; c < d; c++) v += 2 * g[r]! * g[c]! * moments[row + c]!;
    }
    const se = Math.sqrt(Math.max(0, v));
    return { estimate: est, lower: Math.max(0, est - z * se), upper: Math.min(100, est + z * se), se };
  };
  return {
    method: 'taylor-linearisation',
    elements: Array.from({ length: E }, (_, k) => interval(k)),
    aspects: Array.from({ length: A }, (_, k) => interval(E + k)),
    overall: interval(width - 1),
  };
}

/** Float64 moments ↔ bytes (for storage between the part workers and the finaliser). */
export const momentsToBytes = (m: Float64Array): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(new Uint8Array(m.buffer, m.byteOffset, m.byteLength));
export const momentsFromBytes = (b: Uint8Array): Float64Array<ArrayBuffer> => {
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float64Array(copy.buffer);
};
