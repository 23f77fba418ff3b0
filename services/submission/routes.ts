import { z } from 'zod';
import { defineRoutes } from '../../shared/platform/http.ts';
import { correctionBodySchema, resolutionBodySchema } from './schemas.ts';

const otpTarget = {
  token: z.string().max(64).optional(),
  code: z.string().max(40).optional(),
};

export const submissionRoutes = defineRoutes({
  submitAnswers: {
    method: 'POST',
    path: '/api/submissions',
    auth: 'public',
    // No body schema: the raw JSON goes to checkSubmission (services/submission/json-body.ts).
    // A full SIPAS form with free-text answers stays far below this; bigger bodies are abuse.
    // A PAR rater form (15 items per target unit, ~200 bytes a target) fits a few hundred targets.
    maxBodyBytes: 64 * 1024,
  },
  /** The plain HTML form's post (works without JavaScript). */
  submitForm: { method: 'POST', path: '/f/{token}', auth: 'public', maxBodyBytes: 64 * 1024 },
  /** A PAR rater form's plain HTML post (several target units on one form; JSON goes to /api/submissions). */
  submitRaterForm: { method: 'POST', path: '/r/{token}', auth: 'public', maxBodyBytes: 64 * 1024 },
  /** A one-time code to the respondent's own phone (rounds with settings.requireOtp). */
  requestOtp: {
    method: 'POST',
    path: '/api/otp',
    auth: 'public',
    body: z.strictObject(otpTarget),
    maxBodyBytes: 1024,
  },
  verifyOtp: {
    method: 'POST',
    path: '/api/otp/verify',
    auth: 'public',
    body: z.strictObject({ ...otpTarget, otp: z.string().max(16) }),
    maxBodyBytes: 1024,
  },
  /** The same two steps as HTML form posts (no JavaScript). */
  submitFormOtp: { method: 'POST', path: '/f/{token}/otp', auth: 'public', maxBodyBytes: 1024 },
  submitFormOtpVerify: { method: 'POST', path: '/f/{token}/otp/verify', auth: 'public', maxBodyBytes: 1024 },
});

/** Ops routes: paper entry (operators of the form's unit, supervisors resolve) and integrity signals. */
export const submissionOpsRoutes = defineRoutes({
  keyPaperEntry: {
    method: 'POST',
    path: '/api/rounds/{roundId}/paper-entries',
    auth: 'ops',
    roles: ['admin', 'operator'],
    // No body schema: the answers go raw to checkSubmission, like the JSON submission.
    maxBodyBytes: 64 * 1024,
  },
  listPaperEntries: {
    method: 'GET',
    path: '/api/rounds/{roundId}/paper-entries',
    auth: 'ops',
    roles: ['admin', 'operator'],
  },
  getPaperEntry: {
    method: 'GET',
    path: '/api/rounds/{roundId}/paper-entries/{ref}',
    auth: 'ops',
    roles: ['admin', 'operator'],
  },
  resolvePaperEntry: {
    method: 'POST',
    path: '/api/rounds/{roundId}/paper-entries/{ref}/resolution',
    auth: 'ops',
    roles: ['admin'],
    body: resolutionBodySchema,
    maxBodyBytes: 64 * 1024,
  },
  correctPaperEntry: {
    method: 'POST',
    path: '/api/rounds/{roundId}/paper-entries/{ref}/corrections',
    auth: 'ops',
    roles: ['admin'],
    body: correctionBodySchema,
    maxBodyBytes: 64 * 1024,
  },
  integritySignals: {
    method: 'GET',
    path: '/api/rounds/{roundId}/integrity-signals',
    auth: 'ops',
    roles: ['admin', 'operator'],
  },
  /** Issued and returned per unit × field, and the returns per day (Vietnam time): the console's chart. */
  fieldworkProgress: { method: 'GET', path: '/api/rounds/{roundId}/fieldwork-progress', auth: 'ops' },
});
