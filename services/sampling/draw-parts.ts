/**
 * The steps of a fanned-out draw (consumer of `sampling-parts`; the plan comes from run-draw.ts and
 * the method from shared/domain/draw-fanout.ts): scan (part) → resolve (bucket) → draw (part). Each
 * step reads only its part's roster versions or its bucket's claims, writes deterministic items
 * (a replay rewrites the same ones) and marks itself done in the progress item; the invocation
 * that completes a step for every part sends the next step, and the last draw completes the manifest.
 */
import type { DrawPartMessage, SendDrawParts } from '../../shared/contracts/sampling-parts.ts';
import { sendDrawParts } from '../../shared/contracts/sampling-parts.ts';
import {
  allocateRoundQuotas,
  bestDossierOfPersons,
  claimBucket,
  type DrawCount,
  type DrawDossier,
  type DrawStratum,
  decodeClaims,
  drawQuotaOf,
  drawStrata,
  drawStratumKey,
  encodeClaims,
  losingClaims,
  type PersonClaim,
  type QuotaPolicy,
  rosterHashOfUnits,
  strataOf,
} from '../../shared/domain/index.ts';
import { formToken, hashPaperCode, hashToken, type Keys } from '../../shared/platform/crypto.ts';
import type { RespondentsReader } from '../../shared/tables/respondents.ts';
import {
  type Assignment,
  type DrawPart,
  type DrawProgress,
  type Exclusions,
  type SampleManifest,
  tokenAssignment,
} from '../../shared/tables/samples.ts';
import { ROSTER_HASH_BY_UNIT, unitHashesOf } from './compute-draw.ts';
import { paperCodeOf } from './run-draw.ts';
import type { SampleStore } from './store.ts';

export interface DrawPartsDeps {
  samples: Pick<
    SampleStore,
    | 'getManifest'
    | 'getProgress'
    | 'getPart'
    | 'listParts'
    | 'listClaimChunks'
    | 'listExclusions'
    | 'putScan'
    | 'putExclusions'
    | 'putPartCounts'
    | 'putAssignments'
    | 'markStep'
    | 'completeManifest'
  >;
  respondents: Pick<RespondentsReader, 'listDossiersOfVersions'>;
  keys: Keys;
  sendParts?: SendDrawParts;
  now?: () => Date;
  /** Threads that hash in the draw step (this one included). */
  threads?: number;
}

const scan = async (m: DrawPartMessage, progress: DrawProgress, deps: DrawPartsDeps) => {
  const versions = progress.plan[m.index];
  if (!versions) throw new Error(`sample ${m.sampleId} has no part ${m.index}`);
  const dossiers = await deps.respondents.listDossiersOfVersions(m.roundId, versions);
  const strata = strataOf(dossiers);
  const at = new Map(strata.map((s, i) => [drawStratumKey(s.unitCode, s.fieldCode), i]));
  const localCounts = new Array<number>(strata.length).fill(0);
  const buckets: PersonClaim[][] = Array.from({ length: progress.parts }, () => []);
  for (const [personKey, i] of bestDossierOfPersons(dossiers)) {
    const d = dossiers[i] as DrawDossier;
    const stratum = at.get(drawStratumKey(d.unitCode, d.fieldCode)) as number;
    localCounts[stratum] = (localCounts[stratum] as number) + 1;
    (buckets[claimBucket(personKey, progress.parts)] as PersonClaim[]).push({
      personKey,
      part: m.index,
      stratum,
      completedOn: d.completedOn,
      row: d.row,
      dossierId: d.dossierId,
    });
  }
  await deps.samples.putScan(
    {
      sampleId: m.sampleId,
      part: m.index,
      versions,
      strata,
      localCounts,
      unitHashes: unitHashesOf(dossiers),
      dossiers: dossiers.length,
    },
    buckets.map((claims, bucket) => ({ bucket, chunks: encodeClaims(claims) })),
  );
};

const resolve = async (m: DrawPartMessage, deps: DrawPartsDeps) => {
  const chunks = await deps.samples.listClaimChunks(m.sampleId, m.index);
  const losers = losingClaims(chunks.flatMap((c) => decodeClaims(c.bytes, c.part)));
  const byPart = new Map<number, Exclusions>();
  for (const c of losers) {
    const e = byPart.get(c.part) ?? { part: c.part, bucket: m.index, personKeys: [], strata: [] };
    e.personKeys.push(c.personKey);
    e.strata.push(c.stratum);
    byPart.set(c.part, e);
  }
  await deps.samples.putExclusions(m.sampleId, [...byPart.values()]);
};

/** Persons per stratum of every part after exclusions, strata in key order (what a quota policy needs). */
const roundPopulation = async (sampleId: string, deps: DrawPartsDeps) => {
  const [parts, exclusions] = await Promise.all([
    deps.samples.listParts(sampleId),
    deps.samples.listExclusions(sampleId),
  ]);
  const counts = new Map(parts.map((p) => [p.part, [...(p.localCounts ?? [])]]));
  for (const e of exclusions) {
    const c = counts.get(e.part);
    if (!c) continue;
    for (const s of e.strata) c[s] = (c[s] as number) - 1;
  }
  return parts
    .flatMap((p) =>
      (p.strata ?? []).map((s, i) => ({
        key: drawStratumKey(s.unitCode, s.fieldCode),
        persons: counts.get(p.part)?.[i] ?? 0,
      })),
    )
    .sort((a, b) => a.key.localeCompare(b.key));
};

/** The assignments of a part's picks: token and code stored only hashed; reserves inactive. */
export const assignmentsOf = (
  manifest: Pick<SampleManifest, 'sampleId' | 'roundId'>,
  picks: ReadonlyArray<Pick<Assignment, 'unitCode' | 'fieldCode' | 'list' | 'rank' | 'personKey'>>,
  keys: Keys,
): Assignment[] =>
  picks.map((p) => {
    const base = { sampleId: manifest.sampleId, roundId: manifest.roundId, ...p };
    return {
      ...base,
      tokenHash: hashToken(formToken(keys, tokenAssignment(base))),
      codeHash: hashPaperCode(keys, paperCodeOf(keys, base)),
      // Officials' forms work at once; a reserve's only once it replaces someone.
      status: p.list === 'official' ? 'active' : 'inactive',
    };
  });

const draw = async (m: DrawPartMessage, manifest: SampleManifest, deps: DrawPartsDeps) => {
  const part = await deps.samples.getPart(m.sampleId, m.index);
  if (!part?.strata) throw new Error(`sample ${m.sampleId}: part ${m.index} was not scanned`);
  const [dossiers, exclusions] = await Promise.all([
    deps.respondents.listDossiersOfVersions(m.roundId, part.versions),
    deps.samples.listExclusions(m.sampleId, m.index),
  ]);
  const excluded = new Set(exclusions.flatMap((e) => e.personKeys));
  const strata: Array<DrawStratum & { personKeys: string[] }> = part.strata.map((s) => ({
    unitCode: s.unitCode,
    fieldCode: s.fieldCode,
    personKeys: [],
  }));
  const at = new Map(part.strata.map((s, i) => [drawStratumKey(s.unitCode, s.fieldCode), i]));
  for (const [personKey, i] of bestDossierOfPersons(dossiers)) {
    if (excluded.has(personKey)) continue;
    const d = dossiers[i] as DrawDossier;
    const s = at.get(drawStratumKey(d.unitCode, d.fieldCode));
    if (s === undefined) throw new Error(`sample ${m.sampleId}: part ${m.index} changed since its scan`);
    strata[s]?.personKeys.push(personKey);
  }
  const fixed = { official: manifest.officialPerStratum, reserve: manifest.reservePerStratum };
  const quotaOf = manifest.quotaPolicy
    ? drawQuotaOf(
        allocateRoundQuotas(manifest.quotaPolicy as QuotaPolicy, await roundPopulation(m.sampleId, deps)),
      )
    : () => fixed;
  const result = await drawStrata(
    { seed: manifest.seed, roundId: manifest.roundId, strata, quotaOf },
    { threads: deps.threads ?? 2 },
  );
  await deps.samples.putAssignments(assignmentsOf(manifest, result.picks, deps.keys));
  await deps.samples.putPartCounts(m.sampleId, m.index, result.counts);
};

const complete = async (manifest: SampleManifest, deps: DrawPartsDeps) => {
  const parts = await deps.samples.listParts(manifest.sampleId);
  const counts: DrawCount[] = parts
    .flatMap((p) => p.counts ?? [])
    .sort((a, b) =>
      drawStratumKey(a.unitCode, a.fieldCode).localeCompare(drawStratumKey(b.unitCode, b.fieldCode)),
    );
  await deps.samples.completeManifest(manifest.roundId, manifest.sampleId, {
    rosterHash: rosterHashOfUnits(parts.flatMap((p: DrawPart) => p.unitHashes ?? [])),
    rosterHashMethod: ROSTER_HASH_BY_UNIT,
    dossiers: parts.reduce((n, p) => n + (p.dossiers ?? 0), 0),
    parts: parts.length,
    strata: counts,
    totals: {
      official: counts.reduce((s, c) => s + c.official, 0),
      reserve: counts.reduce((s, c) => s + c.reserve, 0),
      shortfall: counts.reduce((s, c) => s + c.shortfall, 0),
    },
    completedAt: (deps.now?.() ?? new Date()).toISOString(),
  });
};

const NEXT = { scan: 'resolve', resolve: 'draw' } as const;

export const runDrawPart = async (m: DrawPartMessage, deps: DrawPartsDeps): Promise<void> => {
  const manifest = await deps.samples.getManifest(m.roundId, m.sampleId);
  if (!manifest) throw new Error(`sample ${m.sampleId} has no manifest`);
  if (manifest.status === 'completed') return;
  const progress = await deps.samples.getProgress(m.sampleId);
  if (!progress) throw new Error(`sample ${m.sampleId} has no plan`);
  if (m.step === 'scan') await scan(m, progress, deps);
  else if (m.step === 'resolve') await resolve(m, deps);
  else await draw(m, manifest, deps);
  const done = await deps.samples.markStep(m.sampleId, m.step, m.index);
  if (done < progress.parts) return;
  if (m.step === 'draw') {
    await complete(manifest, deps);
    return;
  }
  // Every part (scan, draw) and every bucket (resolve) is numbered 0 … parts − 1.
  await (deps.sendParts ?? sendDrawParts)(
    progress.plan.map((_, index) => ({
      kind: 'draw-part',
      step: NEXT[m.step as keyof typeof NEXT],
      roundId: m.roundId,
      sampleId: m.sampleId,
      index,
    })),
  );
};
