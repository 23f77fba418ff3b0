import { httpHandler, json, route } from '../../../shared/platform/http.ts';
import { sampleStore } from '../../sampling/store.ts';
import { acceptSubmission } from '../accept-submission.ts';
import { submissionRequestSchema } from '../schemas.ts';
import { submissionStore } from '../store.ts';

const deps = { samples: sampleStore(), submissions: submissionStore() };

export const handler = httpHandler('submission', {
  'POST /api/submissions': route({
    auth: 'public',
    body: submissionRequestSchema,
    // A full SIPAS form with free-text answers stays far below this; bigger bodies are abuse.
    maxBodyBytes: 64 * 1024,
    handle: async ({ body }) => {
      const { created, receipt } = await acceptSubmission(body, 'web', deps);
      return json(created ? 201 : 200, receipt);
    },
  }),
});
