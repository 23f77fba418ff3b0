/** In-memory samples store and queue for the fanned-out draw (run-draw.ts → draw-parts.ts). */
import { runDrawPart } from '../../../services/sampling/draw-parts.ts';
import { type PartLimits, runDraw } from '../../../services/sampling/run-draw.ts';
import type { DrawResult } from '../../../services/sampling/store.ts';
import type { DrawPartMessage } from '../../../shared/contracts/sampling-parts.ts';
import type { Keys } from '../../../shared/platform/crypto.ts';
import type { DossierRecord } from '../../../shared/tables/respondents.ts';
import type {
  Assignment,
  DrawPart,
  DrawStep,
  Exclusions,
  RosterVersion,
  SampleManifest,
} from '../../../shared/tables/samples.ts';

export const memoryDrawStore = () => {
  const manifests = new Map<string, SampleManifest>();
  const assignments = new Map<string, Assignment>();
  const completed: DrawResult[] = [];
  const plans = new Map<string, RosterVersion[][]>();
  const steps = new Map<string, Set<number>>();
  const parts = new Map<string, DrawPart>();
  const claims = new Map<string, { part: number; bytes: Uint8Array }[]>();
  const exclusions = new Map<string, Exclusions>();
  const store = {
    getManifest: async (_roundId: string, sampleId: string) => manifests.get(sampleId) ?? null,
    listManifests: async (_roundId: string) => [...manifests.values()],
    createManifest: async (m: SampleManifest) => {
      if (manifests.has(m.sampleId)) return false;
      manifests.set(m.sampleId, m);
      return true;
    },
    supersede: async (_roundId: string, oldId: string, newId: string, by: { at: string }) => {
      const m = manifests.get(oldId);
      if (m) manifests.set(oldId, { ...m, supersededBy: newId, supersededAt: by.at });
    },
    putAssignments: async (list: readonly Assignment[]) => {
      for (const a of list)
        assignments.set(`${a.sampleId}|${a.unitCode}|${a.fieldCode}|${a.list}|${a.rank}`, a);
    },
    completeManifest: async (_roundId: string, sampleId: string, result: DrawResult) => {
      completed.push(result);
      const m = manifests.get(sampleId);
      if (m) manifests.set(sampleId, { ...m, ...result, status: 'completed' });
    },
    putPlan: async (sampleId: string, plan: RosterVersion[][]) => {
      if (plans.has(sampleId)) return false;
      plans.set(sampleId, plan);
      return true;
    },
    getProgress: async (sampleId: string) => {
      const plan = plans.get(sampleId);
      if (!plan) return null;
      const n = (s: DrawStep) => steps.get(`${sampleId}|${s}`)?.size ?? 0;
      return { parts: plan.length, plan, done: { scan: n('scan'), resolve: n('resolve'), draw: n('draw') } };
    },
    markStep: async (sampleId: string, step: DrawStep, part: number) => {
      const key = `${sampleId}|${step}`;
      const set = steps.get(key) ?? new Set<number>();
      set.add(part);
      steps.set(key, set);
      return set.size;
    },
    putScan: async (
      part: DrawPart,
      byBucket: ReadonlyArray<{ bucket: number; chunks: readonly Uint8Array[] }>,
    ) => {
      parts.set(`${part.sampleId}|${part.part}`, part);
      for (const { bucket, chunks } of byBucket) {
        const key = `${part.sampleId}|${bucket}`;
        const list = (claims.get(key) ?? []).filter((c) => c.part !== part.part);
        list.push(...chunks.map((bytes) => ({ part: part.part, bytes })));
        claims.set(key, list);
      }
    },
    getPart: async (sampleId: string, part: number) => parts.get(`${sampleId}|${part}`) ?? null,
    listParts: async (sampleId: string) =>
      [...parts.values()].filter((p) => p.sampleId === sampleId).sort((a, b) => a.part - b.part),
    listClaimChunks: async (sampleId: string, bucket: number) => claims.get(`${sampleId}|${bucket}`) ?? [],
    putExclusions: async (sampleId: string, list: readonly Exclusions[]) => {
      for (const e of list) exclusions.set(`${sampleId}|${e.part}|${e.bucket}`, e);
    },
    listExclusions: async (sampleId: string, part?: number) =>
      [...exclusions.entries()]
        .filter(([k, e]) => k.startsWith(`${sampleId}|`) && (part === undefined || e.part === part))
        .map(([, e]) => e),
    putPartCounts: async (sampleId: string, part: number, counts: NonNullable<DrawPart['counts']>) => {
      const p = parts.get(`${sampleId}|${part}`);
      if (p) parts.set(`${sampleId}|${part}`, { ...p, counts });
    },
  };
  return { manifests, assignments, completed, plans, parts, store };
};

/** Respondents reader over fixed dossiers: every unit's version is the dossiers' import id. */
export const memoryRespondents = (dossiers: readonly DossierRecord[]) => ({
  unitVersions: async () =>
    [...new Map(dossiers.map((d) => [d.unitCode, d.importId])).entries()].map(([unitCode, importId]) => ({
      unitCode,
      importId,
      since: '2026-01-01T00:00:00Z',
    })),
  getImport: async () => null,
  listDossiers: async () =>
    [...dossiers].sort((a, b) => (a.unitCode < b.unitCode ? -1 : a.unitCode > b.unitCode ? 1 : 0)),
  listDossiersOfVersions: async (_roundId: string, versions: ReadonlyArray<RosterVersion>) => {
    const wanted = new Set(versions.map((v) => `${v.unitCode}|${v.importId}`));
    return dossiers
      .filter((d) => wanted.has(`${d.unitCode}|${d.importId}`))
      .sort((a, b) => (a.unitCode < b.unitCode ? -1 : a.unitCode > b.unitCode ? 1 : 0));
  },
});

/**
 * Runs a draw request through the planner and every part step, delivering the queue's messages in
 * the given order (`shuffle` reorders each step's batch, `replay` delivers every message twice).
 */
export const runFannedOutDraw = async (
  message: { roundId: string; sampleId: string },
  deps: {
    store: ReturnType<typeof memoryDrawStore>['store'];
    respondents: ReturnType<typeof memoryRespondents>;
    keys: Keys;
    limits: PartLimits;
    order?: (batch: DrawPartMessage[]) => DrawPartMessage[];
    replay?: boolean;
  },
): Promise<number> => {
  const queue: DrawPartMessage[] = [];
  const sendParts = async (ms: readonly DrawPartMessage[]) => {
    queue.push(...(deps.order ? deps.order([...ms]) : ms));
  };
  await runDraw(
    { kind: 'draw', ...message },
    { samples: deps.store, respondents: deps.respondents, sendParts, limits: deps.limits },
  );
  let delivered = 0;
  while (queue.length > 0) {
    const m = queue.shift() as DrawPartMessage;
    const partDeps = {
      samples: deps.store,
      respondents: deps.respondents,
      keys: deps.keys,
      sendParts,
      now: () => new Date('2026-02-02T00:00:00.000Z'),
      threads: 2,
    };
    await runDrawPart(m, partDeps);
    if (deps.replay) await runDrawPart(m, partDeps);
    delivered++;
  }
  return delivered;
};
