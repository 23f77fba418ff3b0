import { defineRoutes } from '../../shared/platform/http.ts';

/** The public form pages (GET only: the form's POST belongs to the submission service). */
export const formRoutes = defineRoutes({
  home: { method: 'GET', path: '/', auth: 'public' },
  // Link scanners probe with HEAD; API Gateway routes HEAD only when it is declared.
  // The start page's code form (GET, so it needs no CSRF token and is cacheable by nobody: no-store).
  openByCode: { method: 'GET', path: '/ma-phieu', auth: 'public' },
  showForm: { method: 'GET', path: '/f/{token}', auth: 'public', head: true },
  /** A PAR rater form: several target units on one form (its post belongs to the submission service). */
  showRaterForm: { method: 'GET', path: '/r/{token}', auth: 'public', head: true },
});

export const healthRoutes = defineRoutes({
  health: { method: 'GET', path: '/api/health', auth: 'public' },
});
