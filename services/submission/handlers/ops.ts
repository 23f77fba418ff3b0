import { keys } from '../../../shared/platform/crypto.ts';
import { httpHandler, json } from '../../../shared/platform/http.ts';
import { roundsReader } from '../../../shared/tables/rounds.ts';
import { samplesReader } from '../../../shared/tables/samples.ts';
import { submissionsReader } from '../../../shared/tables/submissions.ts';
import { listIntegritySignals } from '../integrity.ts';
import { correctPaperEntry } from '../paper-correction.ts';
import { getPaperEntry, keyPaperEntry, listPaperEntries, resolvePaperEntry } from '../paper-entry.ts';
import { fieldworkProgress } from '../progress.ts';
import { submissionOpsRoutes } from '../routes.ts';
import { correctionStore, paperStore } from '../store.ts';

const deps = {
  samples: samplesReader(),
  rounds: roundsReader(),
  submissions: submissionsReader(),
  paper: paperStore(),
  corrections: correctionStore(),
  keys,
};

export const handler = httpHandler('submission', submissionOpsRoutes, {
  keyPaperEntry: async ({ params, headers, rawBody, principal }) => {
    const { created, form } = await keyPaperEntry(
      params.roundId,
      { rawBody, contentType: headers['content-type'] ?? '' },
      principal,
      deps,
    );
    return json(created ? 201 : 200, form);
  },
  listPaperEntries: async ({ params, query, principal }) =>
    json(200, await listPaperEntries(params.roundId, query, principal, deps)),
  getPaperEntry: async ({ params, principal }) =>
    json(200, await getPaperEntry(params.roundId, params.ref, principal, deps)),
  resolvePaperEntry: async ({ params, body, principal }) =>
    json(200, await resolvePaperEntry(params.roundId, params.ref, body, principal, deps)),
  correctPaperEntry: async ({ params, body, principal }) =>
    json(200, await correctPaperEntry(params.roundId, params.ref, body, principal, deps)),
  integritySignals: async ({ params, query, principal }) =>
    json(200, await listIntegritySignals(params.roundId, principal, query, deps)),
  fieldworkProgress: async ({ params, query, principal }) =>
    json(200, await fieldworkProgress(params.roundId, principal, query, deps)),
});
