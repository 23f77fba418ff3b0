/**
 * Expected SIPAS figures computed in the test, from the answers, without the scoring code: the
 * published formulas (methodology.md §6.1, docs/margins-of-error.md) written out again.
 *
 *   item % = 100 · satisfied / valid answers (levels 4–5), valid forms only (≥ 50 % of items answered)
 *   element = mean of its items' %, aspect = mean of its elements, overall = mean of the aspects
 *   Wilson interval with the finite-population correction for an item
 *   Rao–Wu rescaled bootstrap (B = 1000, xoshiro128** seeded per unit) for unit × field and unit
 *   Taylor linearisation for field and round
 */
import { createHash } from 'node:crypto';

export interface Structure {
  itemIds: string[];
  /** Per item: its element's position. */
  itemElement: number[];
  /** Per element: its aspect's position. */
  elementAspect: number[];
  elements: number;
  aspects: number;
}

/** A form as answered: per item 0 (no answer) or 1–5. */
export type Levels = number[];

export const isValidForm = (levels: Levels) => levels.filter((l) => l > 0).length / levels.length >= 0.5;

const meanOf = (xs: number[]) => {
  const ys = xs.filter((x) => !Number.isNaN(x));
  return ys.length === 0 ? Number.NaN : ys.reduce((a, b) => a + b, 0) / ys.length;
};

/** Elements, aspects, overall (NaN = not applicable) from per-item answered / satisfied totals. */
export const compose = (s: Structure, answered: number[], satisfied: number[]) => {
  const item = answered.map((a, i) => (a > 0 ? (100 * satisfied[i]!) / a : Number.NaN));
  const elements = Array.from({ length: s.elements }, (_, e) =>
    meanOf(item.filter((_, i) => s.itemElement[i] === e)),
  );
  const aspects = Array.from({ length: s.aspects }, (_, a) =>
    meanOf(elements.filter((_, e) => s.elementAspect[e] === a)),
  );
  return { item, elements, aspects, overall: meanOf(aspects) };
};

export const totalsOf = (s: Structure, forms: Levels[]) => {
  const answered = s.itemIds.map(() => 0);
  const satisfied = s.itemIds.map(() => 0);
  for (const f of forms) {
    f.forEach((l, i) => {
      if (l === 0) return;
      answered[i]! += 1;
      if (l >= 4) satisfied[i]! += 1;
    });
  }
  return { answered, satisfied };
};

/** Half-up to 2 decimals of a value computed in floats (the tiny nudge absorbs float error at ties). */
export const round2 = (x: number) => Math.round(x * 100 + 1e-7) / 100;

const Z = 1.959963984540054;

/** Wilson score interval in %, z² scaled by (N − n)/(N − 1) when N is known. */
export const wilson = (x: number, n: number, N: number | null) => {
  const fpc = N === null ? 1 : N === 1 ? 0 : (N - n) / (N - 1);
  const z2 = Z * Z * fpc;
  const p = x / n;
  const d = 1 + z2 / n;
  const c = (p + z2 / (2 * n)) / d;
  const h = (Math.sqrt(z2) / d) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lower: x === 0 ? 0 : 100 * Math.max(0, c - h), upper: x === n ? 100 : 100 * Math.min(1, c + h) };
};

// ---- bootstrap -------------------------------------------------------------------------------

/** xoshiro128** 1.1 with splitmix32 seeding (Blackman & Vigna). */
const xoshiro = (seed: number) => {
  let s = seed >>> 0;
  const sm = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const st = [sm(), sm(), sm(), sm()];
  const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  const next = () => {
    const r = Math.imul(rotl(Math.imul(st[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (st[1]! << 9) >>> 0;
    st[2] = (st[2]! ^ st[0]!) >>> 0;
    st[3] = (st[3]! ^ st[1]!) >>> 0;
    st[1] = (st[1]! ^ st[2]!) >>> 0;
    st[0] = (st[0]! ^ st[3]!) >>> 0;
    st[2] = (st[2]! ^ t) >>> 0;
    st[3] = rotl(st[3]!, 11);
    return r;
  };
  return { below: (n: number) => Math.floor((next() * n) / 4294967296) };
};

/** FNV-1a 32 of `${seed}:${unitCode}` — the per-unit seed docs/results.md states. */
export const unitSeed = (seed: number, unitCode: string) => {
  let h = 0x811c9dc5;
  for (const ch of `${seed}:${unitCode}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
};

const quantile7 = (sorted: number[], p: number) => {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!);
};

export interface Ends {
  lower: number;
  upper: number;
}
export interface EntityIntervals {
  elements: Array<Ends | null>;
  aspects: Array<Ends | null>;
  overall: Ends | null;
}

/**
 * One unit's bootstrap: `strata` in field-code order, each with its valid forms in token-hash order
 * and its roster count. Returns the intervals of each stratum and of the unit.
 */
export const bootstrapUnit = (
  s: Structure,
  strata: Array<{ forms: Levels[]; population: number | null }>,
  seed: number,
  B = 1000,
): { strata: EntityIntervals[]; unit: EntityIntervals } => {
  const rng = xoshiro(seed);
  const I = s.itemIds.length;
  const width = s.elements + s.aspects + 1;
  const values = Array.from({ length: (strata.length + 1) * width }, () => [] as number[]);
  const totals = strata.map((st) => totalsOf(s, st.forms));
  for (let b = 0; b < B; b++) {
    const unitA = new Array<number>(I).fill(0);
    const unitS = new Array<number>(I).fill(0);
    strata.forEach((st, h) => {
      const n = st.forms.length;
      const f = st.population === null ? 0 : Math.min(1, n / st.population);
      const lam = n <= 1 ? 0 : Math.sqrt(1 - f);
      const dA = new Array<number>(I).fill(0);
      const dS = new Array<number>(I).fill(0);
      if (lam > 0) {
        for (let k = 0; k < n - 1; k++) {
          const form = st.forms[rng.below(n)]!;
          form.forEach((l, i) => {
            if (l === 0) return;
            dA[i]! += 1;
            if (l >= 4) dS[i]! += 1;
          });
        }
      }
      const scale = lam > 0 ? (lam * n) / (n - 1) : 0;
      const a = totals[h]!.answered.map((t, i) => (1 - lam) * t + scale * dA[i]!);
      const sat = totals[h]!.satisfied.map((t, i) => (1 - lam) * t + scale * dS[i]!);
      a.forEach((v, i) => {
        unitA[i]! += v;
        unitS[i]! += sat[i]!;
      });
      const c = compose(s, a, sat);
      [...c.elements, ...c.aspects, c.overall].forEach((v, k) => {
        values[h * width + k]!.push(v);
      });
    });
    const c = compose(s, unitA, unitS);
    [...c.elements, ...c.aspects, c.overall].forEach((v, k) => {
      values[strata.length * width + k]!.push(v);
    });
  }
  const summarise = (e: number): EntityIntervals => {
    const get = (k: number): Ends | null => {
      const defined = values[e * width + k]!.filter((v) => !Number.isNaN(v)).sort((x, y) => x - y);
      return defined.length === 0
        ? null
        : { lower: quantile7(defined, 0.025), upper: quantile7(defined, 0.975) };
    };
    return {
      elements: Array.from({ length: s.elements }, (_, k) => get(k)),
      aspects: Array.from({ length: s.aspects }, (_, k) => get(s.elements + k)),
      overall: get(width - 1),
    };
  };
  return { strata: strata.map((_, h) => summarise(h)), unit: summarise(strata.length) };
};

// ---- linearisation ---------------------------------------------------------------------------

/**
 * Taylor-linearised intervals over strata: θ = Σ over items of w_i · 100 S_i / A_i (w_i from the
 * structure of present items, elements and aspects); per form u = Σ w_i · 100 (s_i − R_i a_i) / A_i;
 * Var = Σ_h (1 − f_h) n_h/(n_h − 1) Σ_k (u_k − ū_h)².
 */
export const linearised = (
  s: Structure,
  strata: Array<{ forms: Levels[]; population: number | null }>,
): EntityIntervals => {
  const all = strata.flatMap((st) => st.forms);
  const { answered, satisfied } = totalsOf(s, all);
  const present = answered.map((a) => a > 0);
  const itemsOf = (e: number) =>
    s.itemIds.map((_, i) => i).filter((i) => s.itemElement[i] === e && present[i]);
  const elementsOf = (a: number) =>
    Array.from({ length: s.elements }, (_, e) => e).filter(
      (e) => s.elementAspect[e] === a && itemsOf(e).length > 0,
    );
  const weightsFor = (target: { element?: number; aspect?: number }) => {
    const w = s.itemIds.map(() => 0);
    const addElement = (e: number, share: number) => {
      const its = itemsOf(e);
      for (const i of its) w[i]! += share / its.length;
    };
    const addAspect = (a: number, share: number) => {
      const es = elementsOf(a);
      for (const e of es) addElement(e, share / es.length);
    };
    if (target.element !== undefined) addElement(target.element, 1);
    else if (target.aspect !== undefined) addAspect(target.aspect, 1);
    else {
      const as = Array.from({ length: s.aspects }, (_, a) => a).filter((a) => elementsOf(a).length > 0);
      for (const a of as) addAspect(a, 1 / as.length);
    }
    return w;
  };
  const interval = (w: number[]): Ends | null => {
    if (w.every((x) => x === 0)) return null;
    let est = 0;
    w.forEach((wi, i) => {
      if (wi > 0) est += (wi * 100 * satisfied[i]!) / answered[i]!;
    });
    let variance = 0;
    for (const st of strata) {
      const n = st.forms.length;
      if (n <= 1) continue;
      const u = st.forms.map((f) =>
        f.reduce((acc, l, i) => {
          if (w[i] === 0 || l === 0) return acc;
          const R = satisfied[i]! / answered[i]!;
          return acc + (w[i]! * 100 * ((l >= 4 ? 1 : 0) - R)) / answered[i]!;
        }, 0),
      );
      const ubar = u.reduce((a, b) => a + b, 0) / n;
      const f = st.population === null ? 0 : Math.min(1, n / st.population);
      variance += (((1 - f) * n) / (n - 1)) * u.reduce((a, x) => a + (x - ubar) ** 2, 0);
    }
    const se = Math.sqrt(variance);
    return { lower: Math.max(0, est - Z * se), upper: Math.min(100, est + Z * se) };
  };
  return {
    elements: Array.from({ length: s.elements }, (_, e) => interval(weightsFor({ element: e }))),
    aspects: Array.from({ length: s.aspects }, (_, a) => interval(weightsFor({ aspect: a }))),
    overall: interval(weightsFor({})),
  };
};

/** The order forms have inside a stratum: by the stored token hash (samples contract). */
export const tokenHashOf = (token: string) =>
  createHash('sha256').update(`form-token:${token}`).digest('hex');
