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
import { arenas, DUPLICATE_PERSON, type PackedJob, rankHere, rankInWorker } from './draw-worker.ts';
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
const MAIN_THREAD_SHARE = 0.45;
/** Each worker's share is packed and sent in this many pieces, so it starts hashing early. */
const WORKER_PIECES = 4;

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
 * runs on this thread, which also packs every group; the persons are shared in the proportion
 * `firstShare` (group 0) to `pieceShare` (each other group: a worker's piece). Returns the stratum
 * indices of each group.
 */
const split = (
  strata: readonly DrawStratum[],
  take: number[],
  parts: number,
  firstShare = 1,
  pieceShare = 1,
): number[][] => {
  const work: number[] = [];
  let total = 0;
  for (let i = 0; i < strata.length; i++) {
    if ((take[i] as number) > 0) {
      work.push(i);
      total += (strata[i] as DrawStratum).personKeys.length;
    }
  }
  const weights = Array.from({ length: parts }, (_, g) => (g === 0 ? firstShare : pieceShare));
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

/**
 * Writes every key of the group as UTF-8 into `keys` (sized to the keys' UTF-16 length + 4) and
 * fills the ends; false as soon as a key is not ASCII. One fast native write per key: an ASCII key
 * writes exactly its length, any other key more (a key cut at the end of the buffer still writes at
 * least length + 1 bytes, thanks to the 4 bytes of slack), so the check needs no second scan.
 */
const packAscii = (
  strata: readonly DrawStratum[],
  group: readonly number[],
  keys: Buffer,
  keyEnds: Int32Array,
  personEnds: Int32Array,
): boolean => {
  let p = 0;
  let off = 0;
  for (let s = 0; s < group.length; s++) {
    const personKeys = (strata[group[s] as number] as DrawStratum).personKeys;
    for (let k = 0; k < personKeys.length; k++) {
      const key = personKeys[k] as string;
      const written = keys.write(key, off);
      if (written !== key.length) return false;
      off += written;
      keyEnds[p++] = off;
    }
    personEnds[s] = p;
  }
  return true;
};

/**
 * Packs a group into one arena: the ends arrays, then the keys, then the prefixes. The arena comes
 * from a pool (`arenas`, draw-worker.ts) and is reused draw after draw: no fresh tens of MB of
 * external memory per draw that push V8 into a full garbage collection of a heap holding a roster.
 */
const pack = (input: DrawInput, take: number[], group: readonly number[]): PackedJob => {
  let persons = 0;
  let chars = 0;
  for (const i of group) {
    const personKeys = (input.strata[i] as DrawStratum).personKeys;
    persons += personKeys.length;
    for (let k = 0; k < personKeys.length; k++) chars += (personKeys[k] as string).length;
  }
  const prefixText = group.map((i) => {
    const stratum = input.strata[i] as DrawStratum;
    return [input.seed, input.roundId, drawStratumKey(stratum.unitCode, stratum.fieldCode), ''].join(SEP);
  });
  const prefixJoined = prefixText.join('');
  const prefixBytes = Buffer.byteLength(prefixJoined, 'utf8');
  // Keys: sized by their UTF-16 length (+4, see packAscii) — person keys are HMACs in
  // base64url/hex, so every char is ASCII and is its own byte. A key with any other char sends the
  // whole group through the UTF-8 encoder instead (a plain buffer, copied to the worker).
  const intBytes = 4 * (persons + 3 * group.length);
  const arena = arenas.acquire(intBytes + chars + 4 + prefixBytes);
  const ints = new Int32Array(arena, 0, persons + 3 * group.length);
  const keyEnds = ints.subarray(0, persons);
  const personEnds = ints.subarray(persons, persons + group.length);
  const prefixEnds = ints.subarray(persons + group.length, persons + 2 * group.length);
  const takes = ints.subarray(persons + 2 * group.length);
  let keys: Uint8Array = new Uint8Array(arena, intBytes, chars + 4);
  const prefixes = new Uint8Array(arena, intBytes + chars + 4, prefixBytes);
  for (let s = 0; s < group.length; s++) takes[s] = take[group[s] as number] as number;
  if (
    !packAscii(
      input.strata,
      group,
      Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength),
      keyEnds,
      personEnds,
    )
  ) {
    const texts: string[] = [];
    for (const i of group) for (const key of (input.strata[i] as DrawStratum).personKeys) texts.push(key);
    keys = new Uint8Array(Buffer.from(texts.join(''), 'utf8'));
    let end = 0;
    let k = 0;
    for (let s = 0; s < group.length; s++) {
      const count = (input.strata[group[s] as number] as DrawStratum).personKeys.length;
      for (let c = 0; c < count; c++, k++) {
        end += Buffer.byteLength(texts[k] as string, 'utf8');
        keyEnds[k] = end;
      }
      personEnds[s] = k;
    }
  }
  Buffer.from(prefixes.buffer, prefixes.byteOffset, prefixes.byteLength).write(prefixJoined, 0);
  let po = 0;
  prefixText.forEach((t, s) => {
    po += Buffer.byteLength(t, 'utf8');
    prefixEnds[s] = po;
  });
  return { keys, keyEnds, prefixes, prefixEnds, personEnds, take: takes, arena };
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
  let total = 0;
  for (const k of p.take) total += k;
  const picks: DrawPick[] = new Array(total);
  // Picks go stratum after stratum in the input order: where each stratum's picks start.
  const pickStart = new Int32Array(input.strata.length + 1);
  for (let i = 0; i < input.strata.length; i++)
    pickStart[i + 1] = (pickStart[i] as number) + (p.take[i] as number);
  groups.forEach((group, g) => {
    const out = outs[g] as Int32Array;
    let pos = 0;
    // The kernel's indices are job-wide; each stratum's persons start where the previous ended.
    let base = 0;
    for (const i of group) {
      const s = input.strata[i] as DrawStratum;
      const k = p.take[i] as number;
      const official = (p.counts[i] as DrawCount).official;
      let at = pickStart[i] as number;
      for (let r = 0; r < k; r++) {
        const isOfficial = r < official;
        picks[at++] = {
          unitCode: s.unitCode,
          fieldCode: s.fieldCode,
          list: isOfficial ? 'official' : 'reserve',
          rank: isOfficial ? r + 1 : r - official + 1,
          personKey: s.personKeys[(out[pos + r] as number) - base] as string,
        };
      }
      pos += k;
      base += s.personKeys.length;
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
  const groups = split(
    input.strata,
    p.take,
    1 + (threads - 1) * WORKER_PIECES,
    MAIN_THREAD_SHARE,
    1 / WORKER_PIECES,
  );
  // Hand the workers their groups first, piece by piece, so each starts hashing its first piece
  // while this thread packs the next ones and then its own.
  const remote = groups
    .slice(1)
    .map((g, j) =>
      g.length
        ? rankInWorker(Math.floor(j / WORKER_PIECES), pack(input, p.take, g))
        : Promise.resolve(new Int32Array(0)),
    );
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
