import { platformConfig } from '../../../shared/platform/config.ts';
import { httpHandler, json, route } from '../../../shared/platform/http.ts';

export const handler = httpHandler('web', {
  'GET /api/health': route({
    auth: 'public',
    handle: async () =>
      json(200, { status: 'ok', stage: platformConfig().DIEUTRA_STAGE, time: new Date().toISOString() }),
  }),
});
