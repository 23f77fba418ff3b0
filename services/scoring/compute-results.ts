/**
 * Scoring run: every stored submission of the round → the methodology core (shared/domain)
 * → results rounded once, at output. Issued counts come from the latest completed sample.
 */
import { getTemplate, round2OrNull, type SipasGroupResult, scoreSipas } from '../../shared/domain/index.ts';
import type { Round } from '../rounds/schemas.ts';
import type { SampleStore } from '../sampling/store.ts';
import type { SubmissionStore } from '../submission/store.ts';

export interface ComputeDeps {
  samples: SampleStore;
  submissions: SubmissionStore;
}

const issuedFromLatestSample = async (roundId: string, samples: SampleStore) => {
  const completed = (await samples.listManifests(roundId))
    .filter((m) => m.status === 'completed')
    .sort((a, b) => (a.completedAt ?? '').localeCompare(b.completedAt ?? ''));
  const latest = completed.at(-1);
  const unitFields: Record<string, Record<string, number>> = {};
  const units: Record<string, number> = {};
  const fields: Record<string, number> = {};
  let round = 0;
  for (const s of latest?.strata ?? []) {
    unitFields[s.unitCode] = { ...(unitFields[s.unitCode] ?? {}), [s.fieldCode]: s.official };
    units[s.unitCode] = (units[s.unitCode] ?? 0) + s.official;
    fields[s.fieldCode] = (fields[s.fieldCode] ?? 0) + s.official;
    round += s.official;
  }
  return { sampleId: latest?.sampleId ?? null, issued: { round, units, fields, unitFields } };
};

const present = (g: SipasGroupResult) => ({
  counts: g.counts,
  index: round2OrNull(g.overall),
  aspects: g.aspects.map((a) => ({ code: a.code, index: round2OrNull(a.index) })),
  elements: g.elements.map((e) => ({ code: e.code, aspectCode: e.aspectCode, index: round2OrNull(e.index) })),
});

export const computeResults = async (round: Round, runId: string, deps: ComputeDeps) => {
  const template = getTemplate(round.templateId);
  const submissions = await deps.submissions.listByRound(round.id);
  const { sampleId, issued } = await issuedFromLatestSample(round.id, deps.samples);
  const result = scoreSipas({
    template,
    forms: submissions.map((s) => ({ unitCode: s.unitCode, fieldCode: s.fieldCode, answers: s.answers })),
    issued,
  });
  const unitName = new Map(round.units.map((u) => [u.code, u.name]));
  return {
    roundId: round.id,
    runId,
    computedAt: new Date().toISOString(),
    templateId: template.id,
    sampleId,
    rules: result.rules,
    rounding: 'half-up, 2 decimals, applied once at output',
    round: present(result.round),
    units: result.byUnit.map((u) => ({
      unitCode: u.unitCode,
      unitName: unitName.get(u.unitCode) ?? u.unitCode,
      ...present(u),
    })),
    unitFields: result.byUnitField.map((u) => ({
      unitCode: u.unitCode,
      fieldCode: u.fieldCode,
      counts: u.counts,
      index: round2OrNull(u.overall),
    })),
  };
};
