import { keys } from '../../../shared/platform/crypto.ts';
import { httpHandler } from '../../../shared/platform/http.ts';
import { roundsReader } from '../../../shared/tables/rounds.ts';
import { samplesReader } from '../../../shared/tables/samples.ts';
import { submissionsReader } from '../../../shared/tables/submissions.ts';
import { homePage, openByCode, showForm, showRaterForm } from '../form-pages.ts';
import { formRoutes } from '../routes.ts';

const deps = { samples: samplesReader(), rounds: roundsReader(), submissions: submissionsReader() };

export const handler = httpHandler('web', formRoutes, {
  home: async () => homePage(),
  openByCode: ({ query }) => openByCode(query.code ?? '', { samples: deps.samples, keys }),
  showForm: ({ params }) => showForm(params.token, deps),
  showRaterForm: ({ params }) => showRaterForm(params.token, deps),
});
