/**
 * The draw fanned out over parts (groups of units), with the same lists as one draw of the whole
 * roster (`sha256-rank-v1`, rule 15). A stratum (unit × field) lies inside one unit, so ranking is
 * per part; only rule 15 crosses parts: a person with dossiers in two parts' units belongs to the
 * stratum of the best dossier of all. So the fan-out runs in three steps:
 *   1. scan    each part resolves rule 15 among its own dossiers and publishes one *claim* per
 *              person (its best local dossier), bucketed by a hash of the person key;
 *   2. resolve each bucket compares the claims of its persons across parts: every claim that loses
 *              to a better dossier elsewhere becomes an exclusion for its part;
 *   3. draw    each part draws its strata without its excluded persons.
 * Best = latest completion date, then lowest row, then lowest dossier id, then the earliest part
 * (units in code order, which is the order a whole-roster draw reads them in).
 */
import { createHash } from 'node:crypto';
import type { DrawDossier } from './draw-engine.ts';
import { SamplingInputError } from './errors.ts';

export interface PersonClaim {
  personKey: string;
  /** Index of the claiming part. */
  part: number;
  /** Index of the stratum in the claiming part's own strata list. */
  stratum: number;
  completedOn: string;
  row: number;
  dossierId: string;
}

/** Rule 15's order of two dossiers of one person: true when `a` is the better one (strictly). */
export const betterDossier = (
  a: Pick<DrawDossier, 'completedOn' | 'row' | 'dossierId'>,
  b: Pick<DrawDossier, 'completedOn' | 'row' | 'dossierId'>,
): boolean =>
  a.completedOn > b.completedOn ||
  (a.completedOn === b.completedOn && (a.row < b.row || (a.row === b.row && a.dossierId < b.dossierId)));

/** Each person's best dossier among `dossiers` (index), the first one on a full tie. */
export const bestDossierOfPersons = (dossiers: readonly DrawDossier[]): Map<string, number> => {
  const best = new Map<string, number>();
  for (let i = 0; i < dossiers.length; i++) {
    const d = dossiers[i] as DrawDossier;
    const c = best.get(d.personKey);
    if (c === undefined || betterDossier(d, dossiers[c] as DrawDossier)) best.set(d.personKey, i);
  }
  return best;
};

/** The bucket (0 … buckets − 1) of a person's claims: FNV-1a over the key's UTF-16 units. */
export const claimBucket = (personKey: string, buckets: number): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < personKey.length; i++) {
    h ^= personKey.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % buckets;
};

const text = (s: string) => Buffer.from(s, 'utf8');

/**
 * Claims as binary chunks of at most `maxBytes` each (a record: stratum u32, row u32, then
 * completion date, dossier id and person key as u16-length-prefixed UTF-8). The part index is not
 * written: the chunk's owner is known from where it is stored.
 */
export const encodeClaims = (claims: readonly PersonClaim[], maxBytes = 300_000): Uint8Array[] => {
  const chunks: Uint8Array[] = [];
  let buf = Buffer.alloc(maxBytes);
  let off = 0;
  const flush = () => {
    if (off > 0) chunks.push(new Uint8Array(buf.subarray(0, off)));
    buf = Buffer.alloc(maxBytes);
    off = 0;
  };
  for (const c of claims) {
    const parts = [text(c.completedOn), text(c.dossierId), text(c.personKey)];
    const size = 8 + parts.reduce((n, p) => n + 2 + p.length, 0);
    if (size > maxBytes) throw new SamplingInputError('một hồ sơ quá dài để chọn mẫu theo phần');
    for (const p of parts) if (p.length > 0xffff) throw new SamplingInputError('một mã quá dài');
    if (off + size > maxBytes) flush();
    buf.writeUInt32BE(c.stratum, off);
    buf.writeUInt32BE(c.row, off + 4);
    off += 8;
    for (const p of parts) {
      buf.writeUInt16BE(p.length, off);
      p.copy(buf, off + 2);
      off += 2 + p.length;
    }
  }
  flush();
  return chunks;
};

export const decodeClaims = (bytes: Uint8Array, part: number): PersonClaim[] => {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: PersonClaim[] = [];
  let off = 0;
  const str = () => {
    const n = buf.readUInt16BE(off);
    const s = buf.toString('utf8', off + 2, off + 2 + n);
    off += 2 + n;
    return s;
  };
  while (off < buf.length) {
    const stratum = buf.readUInt32BE(off);
    const row = buf.readUInt32BE(off + 4);
    off += 8;
    const completedOn = str();
    const dossierId = str();
    const personKey = str();
    out.push({ personKey, part, stratum, completedOn, row, dossierId });
  }
  return out;
};

/**
 * The claims that lose: for each person claimed by several parts, every claim but the best
 * (rule 15; on a full tie the lowest part wins). A person claimed once never loses.
 */
export const losingClaims = (claims: readonly PersonClaim[]): PersonClaim[] => {
  const best = new Map<string, PersonClaim>();
  const losers: PersonClaim[] = [];
  for (const c of claims) {
    const cur = best.get(c.personKey);
    if (!cur) {
      best.set(c.personKey, c);
      continue;
    }
    if (cur.part === c.part) {
      throw new SamplingInputError('một phần của mẫu khai báo cùng một người hai lần');
    }
    const wins = betterDossier(c, cur) || (!betterDossier(cur, c) && c.part < cur.part);
    if (wins) {
      losers.push(cur);
      best.set(c.personKey, c);
    } else {
      losers.push(c);
    }
  }
  return losers;
};

/**
 * The roster hash of a fanned-out draw: SHA-256 hex of the lines `unitCode␟unitHash` sorted and
 * joined by "\n", where unitHash is `rosterHashOf` of that unit's dossier rows. Like the whole-roster
 * hash it ignores row order; unlike it, each part computes its units' hashes alone.
 */
export const rosterHashOfUnits = (units: ReadonlyArray<{ unitCode: string; hash: string }>): string =>
  createHash('sha256')
    .update(
      units
        .map((u) => `${u.unitCode}\u001f${u.hash}`)
        .sort()
        .join('\n'),
    )
    .digest('hex');
