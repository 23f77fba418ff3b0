import { defineRoutes } from '../../shared/platform/http.ts';

/** The public form pages (GET only: the form's POST belongs to the submission service). */
export const formRoutes = defineRoutes({
  home: { method: 'GET', path: '/', auth: 'public' },
  // Link scanners probe with HEAD; API Gateway routes HEAD only when it is declared.
  showForm: { method: 'GET', path: '/f/{token}', auth: 'public', head: true },
});

export const healthRoutes = defineRoutes({
  health: { method: 'GET', path: '/api/health', auth: 'public' },
});
