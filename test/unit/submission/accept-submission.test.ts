/** Accepting answers exactly once per token, with in-memory fakes of the readers and the store. */
import { describe, expect, it } from 'vitest';
import {
  acceptSubmission,
  clearRoundCache,
  type SubmissionDeps,
} from '../../../services/submission/accept-submission.ts';
import type { ScoringEvent } from '../../../shared/contracts/scoring-events.ts';
import { hashToken } from '../../../shared/platform/crypto.ts';
import type { Assignment } from '../../../shared/tables/samples.ts';
import type { StoredSubmission } from '../../../shared/tables/submissions.ts';
import { sipasAnswers, sipasRound } from '../support/fixtures.ts';

const OFFICIAL = 'officialToken_0123456789';
const RESERVE = 'reserveToken_01234567890';

const assignment = (token: string, list: Assignment['list']): Assignment => ({
  sampleId: 'smp1',
  roundId: 'r1',
  unitCode: 'U1',
  fieldCode: 'tu-phap',
  list,
  rank: 1,
  personKey: `p-${list}`,
  tokenHash: hashToken(token),
});

const setup = () => {
  const tokens = new Map(
    [OFFICIAL, RESERVE].map((t, i) => [hashToken(t), assignment(t, i ? 'reserve' : 'official')]),
  );
  const stored = new Map<string, StoredSubmission>();
  const sent: ScoringEvent[] = [];
  let receipts = 0;
  const deps: SubmissionDeps = {
    samples: { findByTokenHash: async (hash) => tokens.get(hash) ?? null },
    rounds: { get: async (id) => (id === 'r1' ? sipasRound() : null) },
    submissions: {
      putOnce: async (s) => {
        const existing = stored.get(s.tokenHash);
        if (existing) return { created: false, stored: existing };
        stored.set(s.tokenHash, s);
        return { created: true, stored: s };
      },
    },
    send: async (event) => {
      sent.push(event);
    },
    now: () => new Date(`2026-03-01T10:00:0${receipts++}.000Z`),
  };
  return { deps, stored, sent };
};

describe('acceptSubmission', () => {
  it('stores valid answers once and tells scoring; the same body again gets the same receipt', async () => {
    const { deps, stored, sent } = setup();
    const first = await acceptSubmission({ token: OFFICIAL, answers: sipasAnswers(5) }, 'web', deps);
    expect(first.created).toBe(true);
    expect(stored.size).toBe(1);
    expect([...stored.values()][0]).toMatchObject({ unitCode: 'U1', fieldCode: 'tu-phap', channel: 'web' });
    const again = await acceptSubmission({ token: OFFICIAL, answers: sipasAnswers(5) }, 'web', deps);
    expect(again).toEqual({ created: false, receipt: first.receipt });
    // The event leaves on the replay too (the counter is idempotent per token).
    expect(sent).toHaveLength(2);
    expect(sent[0]).toEqual({
      kind: 'submission-accepted',
      roundId: 'r1',
      sampleId: 'smp1',
      unitCode: 'U1',
      fieldCode: 'tu-phap',
      tokenHash: hashToken(OFFICIAL),
      receiptId: first.receipt.receiptId,
    });
  });

  it('refuses other answers on a used token with 409 ALREADY_SUBMITTED', async () => {
    const { deps } = setup();
    await acceptSubmission({ token: OFFICIAL, answers: sipasAnswers(5) }, 'web', deps);
    await expect(
      acceptSubmission({ token: OFFICIAL, answers: sipasAnswers(2) }, 'web', deps),
    ).rejects.toMatchObject({
      statusCode: 409,
      code: 'ALREADY_SUBMITTED',
    });
  });

  it('invalid answers are refused question by question and do not use the token', async () => {
    const { deps, stored, sent } = setup();
    const answers = { ...sipasAnswers(5), NOPE: 1 };
    await expect(acceptSubmission({ token: OFFICIAL, answers }, 'web', deps)).rejects.toMatchObject({
      statusCode: 400,
      code: 'UNKNOWN_QUESTION',
    });
    expect(stored.size).toBe(0);
    expect(sent).toEqual([]);
  });

  it('unknown tokens are 404, reserve tokens 403 until activated', async () => {
    const { deps } = setup();
    await expect(
      acceptSubmission({ token: 'unknownToken_0123456789', answers: {} }, 'web', deps),
    ).rejects.toMatchObject({ statusCode: 404, code: 'TOKEN_NOT_FOUND' });
    await expect(
      acceptSubmission({ token: RESERVE, answers: sipasAnswers(5) }, 'web', deps),
    ).rejects.toMatchObject({
      statusCode: 403,
      code: 'TOKEN_NOT_ACTIVE',
    });
  });
});

describe('acceptSubmission: guards and raw-body checks', () => {
  it('refuses after fieldwork end with 410 ROUND_CLOSED and stores nothing', async () => {
    clearRoundCache(); // the round is cached per warm invocation; this test needs its own version
    const stored: StoredSubmission[] = [];
    const deps: SubmissionDeps = {
      samples: { findByTokenHash: async () => assignment(OFFICIAL, 'official') },
      rounds: {
        get: async () =>
          sipasRound({
            id: 'r-closed',
            status: 'IN_FIELD',
            schedule: { fieldworkEnd: '2026-02-01' },
          } as never),
      },
      submissions: {
        putOnce: async (s) => {
          stored.push(s);
          return { created: true, stored: s };
        },
      },
      send: async () => {},
      now: () => new Date('2026-03-01T10:00:00.000Z'),
    };
    await expect(
      acceptSubmission({ token: OFFICIAL, answers: sipasAnswers(5) }, 'web', deps),
    ).rejects.toMatchObject({ statusCode: 410, code: 'ROUND_CLOSED' });
    expect(stored).toEqual([]);
  });

  it('refuses a __proto__ key in the raw body with FORBIDDEN_KEY', async () => {
    clearRoundCache();
    const { deps, stored } = setup();
    const body = JSON.parse(
      `{"token":"${OFFICIAL}","answers":${JSON.stringify(sipasAnswers(5)).replace('{', '{"__proto__":{"x":1},')}}`,
    );
    await expect(
      acceptSubmission({ token: OFFICIAL, answers: undefined, body }, 'web', deps),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'FORBIDDEN_KEY',
    });
    expect(stored.size).toBe(0);
  });
});
