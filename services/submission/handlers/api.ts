import { keys } from '../../../shared/platform/crypto.ts';
import { httpHandler, json } from '../../../shared/platform/http.ts';
import { notifier } from '../../../shared/platform/notify.ts';
import { respondentsReader } from '../../../shared/tables/respondents.ts';
import { roundsReader } from '../../../shared/tables/rounds.ts';
import { samplesReader } from '../../../shared/tables/samples.ts';
import { acceptSubmission } from '../accept-submission.ts';
import { postForm } from '../form-post.ts';
import { parseSubmissionBody } from '../json-body.ts';
import { renderOtp, sendOtp, verifyOtp } from '../otp.ts';
import { postFormOtp, postFormOtpVerify } from '../otp-pages.ts';
import { postRaterForm } from '../rater-form-post.ts';
import { acceptRaterSubmission } from '../rater-submission.ts';
import { submissionRoutes } from '../routes.ts';
import { otpStore, submissionStore } from '../store.ts';

const deps = { samples: samplesReader(), rounds: roundsReader(), submissions: submissionStore(), keys };
const otpDeps = {
  ...deps,
  respondents: respondentsReader(),
  otp: otpStore(),
  notifier: () => notifier(renderOtp),
};

type Event = { requestContext: { http: { sourceIp?: string } } };
const clientOf = (event: Event, headers: Readonly<Record<string, string>>) => ({
  ip: event.requestContext.http.sourceIp,
  userAgent: headers['user-agent'],
});

export const handler = httpHandler('submission', submissionRoutes, {
  submitAnswers: async ({ event, headers, rawBody }) => {
    const { token, code, body } = parseSubmissionBody(rawBody, headers['content-type'] ?? '');
    const fields = body as Record<string, unknown>;
    // A PAR rater form's answers come per target unit (services/submission/rater-submission.ts).
    if (Object.hasOwn(fields, 'targets')) {
      const rater = await acceptRaterSubmission(
        { token, code, body, client: clientOf(event, headers) },
        deps,
      );
      return json(rater.created ? 201 : 200, rater.receipt);
    }
    const { created, receipt } = await acceptSubmission(
      {
        token,
        code,
        answers: undefined,
        body,
        openedAt: fields.openedAt,
        otpProof: fields.otpProof,
        client: clientOf(event, headers),
      },
      'web',
      deps,
    );
    return json(created ? 201 : 200, receipt);
  },
  submitForm: ({ event, params, headers, rawBody }) =>
    postForm(params.token, headers['content-type'] ?? '', rawBody, deps, clientOf(event, headers)),
  submitRaterForm: ({ event, params, headers, rawBody }) =>
    postRaterForm(params.token, headers['content-type'] ?? '', rawBody, deps, clientOf(event, headers)),
  requestOtp: async ({ body }) => json(200, await sendOtp(body, otpDeps)),
  verifyOtp: async ({ body }) => json(200, await verifyOtp(body, otpDeps)),
  submitFormOtp: ({ params }) => postFormOtp(params.token, otpDeps),
  submitFormOtpVerify: ({ params, rawBody }) => postFormOtpVerify(params.token, rawBody, otpDeps),
});
