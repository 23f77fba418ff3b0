import { defineRoutes } from '../../shared/platform/http.ts';

export const submissionRoutes = defineRoutes({
  submitAnswers: {
    method: 'POST',
    path: '/api/submissions',
    auth: 'public',
    // No body schema: the raw JSON goes to checkSubmission (services/submission/json-body.ts).
    // A full SIPAS form with free-text answers stays far below this; bigger bodies are abuse.
    maxBodyBytes: 64 * 1024,
  },
  /** The plain HTML form's post (works without JavaScript). */
  submitForm: { method: 'POST', path: '/f/{token}', auth: 'public', maxBodyBytes: 64 * 1024 },
});
