import { platformConfig } from '../../../shared/platform/config.ts';
import { httpHandler, json } from '../../../shared/platform/http.ts';
import { healthRoutes } from '../routes.ts';

export const handler = httpHandler('web', healthRoutes, {
  health: async () =>
    json(200, { status: 'ok', stage: platformConfig().DIEUTRA_STAGE, time: new Date().toISOString() }),
});
