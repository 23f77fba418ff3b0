import { httpHandler, json } from '../../../shared/platform/http.ts';
import { roundsReader } from '../../../shared/tables/rounds.ts';
import { samplesReader } from '../../../shared/tables/samples.ts';
import { acceptSubmission } from '../accept-submission.ts';
import { postForm } from '../form-post.ts';
import { parseSubmissionBody } from '../json-body.ts';
import { submissionRoutes } from '../routes.ts';
import { submissionStore } from '../store.ts';

const deps = { samples: samplesReader(), rounds: roundsReader(), submissions: submissionStore() };

export const handler = httpHandler('submission', submissionRoutes, {
  submitAnswers: async ({ headers, rawBody }) => {
    const { token, body } = parseSubmissionBody(rawBody, headers['content-type'] ?? '');
    const { created, receipt } = await acceptSubmission({ token, answers: undefined, body }, 'web', deps);
    return json(created ? 201 : 200, receipt);
  },
  submitForm: ({ params, headers, rawBody }) =>
    postForm(params.token, headers['content-type'] ?? '', rawBody, deps),
});
