/**
 * The lean draw engine: the same result as the reference hash-rank draw (`sha256-rank-v1`,
 * `drawSample` in the sampling service, design.md "The draw", data-rules rule 15), built for a
 * national roster (1M dossiers, ~26,000 strata) and for fan-out by group of strata.
 *
 *   rank(person) = SHA-256 hex of [seed, roundId, `${unitCode}#${fieldCode}`, personKey] joined by U+001F
 *   per stratum, ascending rank (ties by person key): official = first min(n, N), reserve = next min(m, N − official)
 *
 * The hashing runs in `rankKernel` (draw-worker.ts) on this thread and on worker threads; this
 * file packs the strata into flat byte arrays, splits them into groups of about equal persons,
 * and puts the picks back in the strata's order.
 */
import { createHash } from 'node:crypto';
import type { DrawPick } from './draw.ts';
import { DUPLICATE_PERSON, type PackedJob, rankHere, rankInWorker } from './draw-worker.ts';
import { SamplingInputError } from './errors.ts';
import { stratumKey } from './strata.ts';

const SEP = '\u001f';

export interface DrawStratum {
  unitCode: string;
  fieldCode: string;
  /** The persons assigned to this stratum (rule 15), each once; order does not matter. */
  personKeys: readonly string[];
}

export interface StratumQuota {
  official: number;
  reserve: number;
}

export interface DrawInput {
  seed: string;
  roundId: string;
  strata: readonly DrawStratum[];
  /** The quota asked of a stratum that has `persons` persons (see quota.ts for round policies). */
  quotaOf: (stratum: DrawStratum, persons: number) => StratumQuota;
}

export interface DrawCount {
  unitCode: string;
  fieldCode: string;
  persons: number;
  official: number;
  reserve: number;
  /** Official forms the stratum cannot fill: max(official quota − persons, 0). */
  shortfall: number;
}

export interface DrawResult {
  /** Stratum after stratum in the input order; in each, official by rank then reserve by rank. */
  picks: DrawPick[];
  counts: DrawCount[];
}

export interface DrawOptions {
  /** Threads that hash, this one included (1 = no worker). Default 1. */
  threads?: number;
}

/** The stratum key of shared/domain/strata.ts (one place builds it). */
export const drawStratumKey = (unitCode: string, fieldCode: string): string =>
  stratumKey({ unitCode, fieldCode });

/** The reference rank of one person: the hex digest the manifest and an auditor recompute. */
export const drawRankKey = (seed: string, roundId: string, stratum: string, personKey: string): string =>
  createHash('sha256').update([seed, roundId, stratum, personKey].join(SEP)).digest('hex');

/** This thread's share of hashing relative to a worker's (it packs every group as well). */
const MAIN_THREAD_SHARE = 0.8;

interface Plan {
  counts: DrawCount[];
  take: number[];
}

const plan = (input: DrawInput): Plan => {
  const counts: DrawCount[] = [];
  const take: number[] = [];
  for (const s of input.strata) {
    const persons = s.personKeys.length;
    const q = input.quotaOf(s, persons);
    for (const [name, v] of [
      ['chính thức', q.official],
      ['dự phòng', q.reserve],
    ] as const) {
      if (!Number.isInteger(v) || v < 0) {
        throw new SamplingInputError(
          `tầng ${drawStratumKey(s.unitCode, s.fieldCode)}: số phiếu ${name} = ${v} phải là số nguyên không âm`,
        );
      }
    }
    const official = Math.min(q.official, persons);
    const reserve = Math.min(q.reserve, persons - official);
    counts.push({
      unitCode: s.unitCode,
      fieldCode: s.fieldCode,
      persons,
      official,
      reserve,
      shortfall: Math.max(q.official - persons, 0),
    });
    take.push(official + reserve);
  }
  return { counts, take };
};

/**
 * Splits the strata that need hashing into `parts` contiguous groups (hashing is the cost). Group 0
 * runs on this thread, which also packs every group, so it gets `firstShare` of a worker's persons;
 * the others about equal persons. Returns the stratum indices of each group.
 */
const split = (strata: readonly DrawStratum[], take: number[], parts: number, firstShare = 1): number[][] => {
  const work: number[] = [];
  let total = 0;
  for (let i = 0; i < strata.length; i++) {
    if ((take[i] as number) > 0) {
      work.push(i);
      total += (strata[i] as DrawStratum).personKeys.length;
    }
  }
  const weights = Array.from({ length: parts }, (_, g) => (g === 0 ? firstShare : 1));
  const sum = weights.reduce((a, b) => a + b, 0);
  const groups: number[][] = Array.from({ length: parts }, () => []);
  let g = 0;
  let acc = 0;
  let bound = (total * (weights[0] as number)) / sum;
  for (const i of work) {
    (groups[g] as number[]).push(i);
    acc += (strata[i] as DrawStratum).personKeys.length;
    if (g < parts - 1 && acc >= bound) {
      g++;
      bound += (total * (weights[g] as number)) / sum;
    }
  }
  return groups;
};

const pack = (input: DrawInput, take: number[], group: readonly number[]): PackedJob => {
  let persons = 0;
  for (const i of group) persons += (input.strata[i] as DrawStratum).personKeys.length;
  const keyEnds = new Int32Array(persons);
  const personEnds = new Int32Array(group.length);
  const prefixEnds = new Int32Array(group.length);
  const takes = new Int32Array(group.length);
  // Keys: one join and one UTF-8 encode for the whole group (native code, no per-key call); when every
  // key is ASCII (HMACs in base64url/hex) a key's byte length is its length, so the ends follow.
  const texts: string[] = new Array(persons);
  let p = 0;
  let chars = 0;
  group.forEach((i, s) => {
    for (const key of (input.strata[i] as DrawStratum).personKeys) {
      texts[p] = key;
      chars += key.length;
      keyEnds[p++] = chars;
    }
    personEnds[s] = p;
    takes[s] = take[i] as number;
  });
  const joined = texts.join('');
  let keys: Uint8Array;
  if (Buffer.byteLength(joined, 'utf8') === chars) {
    keys = new Uint8Array(new ArrayBuffer(chars));
    Buffer.from(keys.buffer).write(joined, 0, chars, 'latin1');
  } else {
    keys = Buffer.from(joined, 'utf8');
    keys = new Uint8Array(keys.buffer.slice(keys.byteOffset, keys.byteOffset + keys.byteLength));
    let off = 0;
    for (let k = 0; k < persons; k++) {
      off += Buffer.byteLength(texts[k] as string, 'utf8');
      keyEnds[k] = off;
    }
  }
  const prefixText = group.map((i) => {
    const stratum = input.strata[i] as DrawStratum;
    return [input.seed, input.roundId, drawStratumKey(stratum.unitCode, stratum.fieldCode), ''].join(SEP);
  });
  const prefixBytes = Buffer.from(prefixText.join(''), 'utf8');
  const prefixes = new Uint8Array(new ArrayBuffer(prefixBytes.length));
  prefixes.set(prefixBytes);
  let po = 0;
  prefixText.forEach((t, s) => {
    po += Buffer.byteLength(t, 'utf8');
    prefixEnds[s] = po;
  });
  return { keys, keyEnds, prefixes, prefixEnds, personEnds, take: takes };
};

const mapKernelError = (e: unknown): never => {
  if (e instanceof Error && e.message === DUPLICATE_PERSON) {
    throw new SamplingInputError(
      'một người xuất hiện hai lần trong cùng một tầng: danh sách người của tầng phải không trùng',
    );
  }
  throw e;
};

const assemble = (input: DrawInput, p: Plan, groups: number[][], outs: Int32Array[]): DrawResult => {
  const chosen: Array<Int32Array | undefined> = new Array(input.strata.length);
  groups.forEach((group, g) => {
    const out = outs[g] as Int32Array;
    let pos = 0;
    for (const i of group) {
      const k = p.take[i] as number;
      chosen[i] = out.subarray(pos, pos + k);
      pos += k;
    }
  });
  const picks: DrawPick[] = [];
  // The kernel's indices are job-wide; each stratum's persons start where the previous ended.
  const firstPerson = new Map<number, number>();
  for (const group of groups) {
    let base = 0;
    for (const i of group) {
      firstPerson.set(i, base);
      base += (input.strata[i] as DrawStratum).personKeys.length;
    }
  }
  input.strata.forEach((s, i) => {
    const ids = chosen[i];
    if (!ids) return;
    const base = firstPerson.get(i) as number;
    const official = (p.counts[i] as DrawCount).official;
    for (let r = 0; r < ids.length; r++) {
      const isOfficial = r < official;
      picks.push({
        unitCode: s.unitCode,
        fieldCode: s.fieldCode,
        list: isOfficial ? 'official' : 'reserve',
        rank: isOfficial ? r + 1 : r - official + 1,
        personKey: s.personKeys[(ids[r] as number) - base] as string,
      });
    }
  });
  return { picks, counts: p.counts };
};

/** The draw on this thread only. */
export function drawStrataSync(input: DrawInput): DrawResult {
  const p = plan(input);
  const groups = split(input.strata, p.take, 1);
  let out: Int32Array;
  try {
    out = rankHere(pack(input, p.take, groups[0] as number[]));
  } catch (e) {
    return mapKernelError(e);
  }
  return assemble(input, p, groups, [out]);
}

/**
 * The draw on `threads` threads: this one plus `threads − 1` pooled workers, each hashing a
 * group of strata of about equal persons. Same result as `drawStrataSync` for any thread count.
 */
export async function drawStrata(input: DrawInput, options: DrawOptions = {}): Promise<DrawResult> {
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new SamplingInputError(`số luồng = ${threads} phải là số nguyên dương`);
  }
  if (threads === 1) return drawStrataSync(input);
  const p = plan(input);
  const groups = split(input.strata, p.take, threads, MAIN_THREAD_SHARE);
  // Hand the workers their groups first so they hash while this thread packs and hashes its own.
  const remote = groups
    .slice(1)
    .map((g, w) => (g.length ? rankInWorker(w, pack(input, p.take, g)) : Promise.resolve(new Int32Array(0))));
  let outs: Int32Array[];
  try {
    const local = rankHere(pack(input, p.take, groups[0] as number[]));
    outs = [local, ...(await Promise.all(remote))];
  } catch (e) {
    await Promise.allSettled(remote);
    return mapKernelError(e);
  }
  return assemble(input, p, groups, outs);
}

/** A dossier as the draw sees it (rule 15 needs the completion date and the row). */
export interface DrawDossier {
  dossierId: string;
  personKey: string;
  unitCode: string;
  fieldCode: string;
  /** ISO date (YYYY-MM-DD): compared as text. */
  completedOn: string;
  row: number;
}

/**
 * Rule 15: the unit of sampling is the person. A person with dossiers in several strata belongs to
 * the stratum of their latest completion date; ties go to the lowest spreadsheet row, then the
 * lowest dossier id. Returns the strata in the order given, each with its persons; persons whose
 * stratum is not listed are left out (as the reference does).
 */
export function groupPersonsByStratum(
  dossiers: readonly DrawDossier[],
  strata: ReadonlyArray<{ unitCode: string; fieldCode: string }>,
): Array<DrawStratum & { personKeys: string[] }> {
  const index = new Map<string, Map<string, number>>();
  const out = strata.map((s, i) => {
    const byField = index.get(s.unitCode) ?? new Map<string, number>();
    if (byField.has(s.fieldCode)) {
      throw new SamplingInputError(`tầng ${drawStratumKey(s.unitCode, s.fieldCode)} được liệt kê hai lần`);
    }
    byField.set(s.fieldCode, i);
    index.set(s.unitCode, byField);
    return { unitCode: s.unitCode, fieldCode: s.fieldCode, personKeys: [] as string[] };
  });
  const best = new Map<string, number>();
  for (let i = 0; i < dossiers.length; i++) {
    const d = dossiers[i] as DrawDossier;
    const c = best.get(d.personKey);
    if (c === undefined) {
      best.set(d.personKey, i);
      continue;
    }
    const cur = dossiers[c] as DrawDossier;
    if (
      d.completedOn > cur.completedOn ||
      (d.completedOn === cur.completedOn &&
        (d.row < cur.row || (d.row === cur.row && d.dossierId < cur.dossierId)))
    ) {
      best.set(d.personKey, i);
    }
  }
  for (const [personKey, i] of best) {
    const d = dossiers[i] as DrawDossier;
    const at = index.get(d.unitCode)?.get(d.fieldCode);
    if (at !== undefined) (out[at] as { personKeys: string[] }).personKeys.push(personKey);
  }
  return out;
}

/**
 * The whole draw from dossier rows, with fixed quotas per stratum: a drop-in for the reference
 * `drawSample(dossiers, request, strata)` (same picks, same counts, same order).
 */
export function drawDossiers(
  dossiers: readonly DrawDossier[],
  request: { seed: string; roundId: string; officialPerStratum: number; reservePerStratum: number },
  strata: ReadonlyArray<{ unitCode: string; fieldCode: string }>,
  options: DrawOptions = {},
): Promise<DrawResult> {
  const quota = { official: request.officialPerStratum, reserve: request.reservePerStratum };
  return drawStrata(
    {
      seed: request.seed,
      roundId: request.roundId,
      strata: groupPersonsByStratum(dossiers, strata),
      quotaOf: () => quota,
    },
    options,
  );
}

/** The roster fields the manifest's roster hash covers. */
export type RosterHashLine = Pick<
  DrawDossier,
  'dossierId' | 'personKey' | 'unitCode' | 'fieldCode' | 'completedOn'
>;

/**
 * Incremental roster hash, equal to the reference `rosterHash`: SHA-256 hex of the rows' lines
 * (dossierId␟personKey␟unitCode␟fieldCode␟completedOn) sorted (UTF-16 order, `Array#sort`) and
 * joined by "\n". Rows can be added page by page as they are read; only the short line strings are
 * kept, not the rows. The sort is part of the definition (it makes the hash independent of row
 * order), so every line is held until `digest()` — the hash cannot be computed in one pass.
 */
export function createRosterHasher(): { add: (row: RosterHashLine) => void; digest: () => string } {
  const lines: string[] = [];
  return {
    add: (d) => {
      lines.push([d.dossierId, d.personKey, d.unitCode, d.fieldCode, d.completedOn].join(SEP));
    },
    digest: () => {
      lines.sort();
      const h = createHash('sha256');
      // Feed the hash in chunks rather than one giant joined string.
      for (let i = 0; i < lines.length; i += 4096) {
        const chunk = lines.slice(i, i + 4096).join('\n');
        h.update(i === 0 ? chunk : `\n${chunk}`);
      }
      return h.digest('hex');
    },
  };
}

export const rosterHashOf = (rows: Iterable<RosterHashLine>): string => {
  const hasher = createRosterHasher();
  for (const r of rows) hasher.add(r);
  return hasher.digest();
};
