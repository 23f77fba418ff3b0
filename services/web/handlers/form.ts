import { httpHandler, route } from '../../../shared/platform/http.ts';
import { sampleStore } from '../../sampling/store.ts';
import { submissionStore } from '../../submission/store.ts';
import { homePage, postForm, showForm } from '../form-pages.ts';

const deps = { samples: sampleStore(), submissions: submissionStore() };

export const handler = httpHandler('web', {
  'GET /': route({ auth: 'public', handle: async () => homePage() }),
  'GET /f/{token}': route({ auth: 'public', handle: ({ params }) => showForm(params.token ?? '', deps) }),
  'POST /f/{token}': route({
    auth: 'public',
    maxBodyBytes: 64 * 1024,
    handle: ({ params, headers, rawBody }) =>
      postForm(params.token ?? '', headers['content-type'] ?? '', rawBody, deps),
  }),
});
