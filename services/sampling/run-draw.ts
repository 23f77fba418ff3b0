/**
 * The draw's planner (consumer of `sampling-requests`): it reads only the round's unit versions and
 * their import reports (never a dossier), groups the units into parts of bounded size and sends one
 * `scan` message per part on `sampling-parts` (draw-parts.ts runs the steps). The plan is stored
 * once (SAMPLE#id / PROGRESS): a redelivered request re-sends the same parts, never another plan.
 */
import type { DrawPartMessage, SendDrawParts } from '../../shared/contracts/sampling-parts.ts';
import { sendDrawParts } from '../../shared/contracts/sampling-parts.ts';
import type { DrawMessage } from '../../shared/contracts/sampling-requests.ts';
import { encodePaperCode } from '../../shared/domain/index.ts';
import type { Keys } from '../../shared/platform/crypto.ts';
import { paperCodeBytes } from '../../shared/platform/crypto.ts';
import type { RespondentsReader } from '../../shared/tables/respondents.ts';
import { type RosterVersion, tokenAssignment } from '../../shared/tables/samples.ts';
import { rosterVersionOf } from './request-sample.ts';
import type { SampleStore } from './store.ts';

export interface PartLimits {
  /** Dossiers a part reads at most (estimated from the import reports). */
  dossiers: number;
  /** Units a part covers at most (its item lists their strata and counts). */
  units: number;
}

/** Defaults sized for a 1 GB Lambda; `DIEUTRA_DRAW_PART_DOSSIERS` / `…_UNITS` override them. */
export const partLimits = (env: NodeJS.ProcessEnv = process.env): PartLimits => {
  const num = (v: string | undefined, d: number) => {
    const n = Number(v);
    return Number.isInteger(n) && n > 0 ? n : d;
  };
  return {
    dossiers: num(env.DIEUTRA_DRAW_PART_DOSSIERS, 100_000),
    units: num(env.DIEUTRA_DRAW_PART_UNITS, 400),
  };
};

/**
 * Units in code order, cut into contiguous parts of at most `limits` (a unit is never split: its
 * strata are drawn together). Always at least one part, so an empty round completes too.
 */
export const planParts = (
  versions: ReadonlyArray<RosterVersion & { dossiers: number }>,
  limits: PartLimits,
): RosterVersion[][] => {
  const sorted = [...versions].sort((a, b) =>
    a.unitCode < b.unitCode ? -1 : a.unitCode > b.unitCode ? 1 : 0,
  );
  const parts: RosterVersion[][] = [[]];
  let load = 0;
  for (const v of sorted) {
    let current = parts[parts.length - 1] as RosterVersion[];
    if (current.length > 0 && (current.length >= limits.units || load + v.dossiers > limits.dossiers)) {
      current = [];
      parts.push(current);
      load = 0;
    }
    current.push({ unitCode: v.unitCode, importId: v.importId });
    load += v.dossiers;
  }
  return parts;
};

/** The paper code of an assignment (never stored: only its keyed hash is). */
export const paperCodeOf = (keys: Keys, a: Parameters<typeof tokenAssignment>[0]): string =>
  encodePaperCode(paperCodeBytes(keys, tokenAssignment(a)));

export interface RunDrawDeps {
  samples: Pick<SampleStore, 'getManifest' | 'getProgress' | 'putPlan'>;
  respondents: Pick<RespondentsReader, 'unitVersions' | 'getImport'>;
  sendParts?: SendDrawParts;
  limits?: PartLimits;
}

export const runDraw = async (message: DrawMessage, deps: RunDrawDeps): Promise<void> => {
  const manifest = await deps.samples.getManifest(message.roundId, message.sampleId);
  if (!manifest) throw new Error(`sample ${message.sampleId} has no manifest`);
  if (manifest.status === 'completed') return;
  let progress = await deps.samples.getProgress(message.sampleId);
  if (!progress) {
    const versions = await deps.respondents.unitVersions(message.roundId);
    if (manifest.rosterVersion && rosterVersionOf(versions) !== manifest.rosterVersion) {
      // An import completed after the request: this sample's roster version is gone. Never draw another.
      throw new Error(`sample ${message.sampleId}: the round's roster changed since the request`);
    }
    // Dossiers per unit, estimated from its import's report (an import may carry several units).
    const imports = new Map<string, number>();
    for (const importId of new Set(versions.map((v) => v.importId))) {
      const report = await deps.respondents.getImport(message.roundId, importId);
      const units = Math.max(report?.units?.length ?? 1, 1);
      imports.set(importId, Math.ceil((report?.stored ?? report?.valid ?? 0) / units));
    }
    const plan = planParts(
      versions.map((v) => ({
        unitCode: v.unitCode,
        importId: v.importId,
        dossiers: imports.get(v.importId) ?? 0,
      })),
      deps.limits ?? partLimits(),
    );
    await deps.samples.putPlan(message.sampleId, plan);
    progress = await deps.samples.getProgress(message.sampleId);
    if (!progress) throw new Error(`sample ${message.sampleId}: plan not stored`);
  }
  const scans: DrawPartMessage[] = progress.plan.map((_, index) => ({
    kind: 'draw-part',
    step: 'scan',
    roundId: message.roundId,
    sampleId: message.sampleId,
    index,
  }));
  await (deps.sendParts ?? sendDrawParts)(scans);
};
