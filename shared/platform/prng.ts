/**
 * A small deterministic PRNG (mulberry32) for demo data and benchmarks: the same numbers on every
 * machine. Never for anything a respondent's selection or a secret depends on (the draw hashes,
 * shared/domain/draw.ts; tokens come from crypto).
 */
export const mulberry32 = (seed: number): (() => number) => {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** A copy of `items` in a fixed pseudo-random order (Fisher–Yates over mulberry32(seed)). */
export const shuffled = <T>(items: readonly T[], seed: number): T[] => {
  const random = mulberry32(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};
