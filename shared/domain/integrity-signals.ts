/**
 * Integrity signals (issue 10 §7): patterns that ops should look at — recorded and shown, never a
 * reason to reject a form. Pure functions over facts the submission service already has; the
 * thresholds are configuration (zod, with defaults), not constants.
 *
 * - `BURST`: at least `minForms` web forms from one client (a hash of its network/device
 *   fingerprint) within `windowMinutes`; overlapping windows are merged into one episode;
 * - `FAST_COMPLETION`: submitted less than `minSeconds` after the form was opened;
 * - `IDENTICAL_ANSWERS`: the same answers hash on at least `minForms` forms of one unit.
 */
import { z } from 'zod';
import { viNumber } from './decimal.ts';

export const submissionFactSchema = z.object({
  receiptId: z.string().min(1),
  unitCode: z.string().min(1),
  fieldCode: z.string().min(1),
  submittedAt: z.iso.datetime({ offset: true }),
  openedAt: z.iso.datetime({ offset: true }).optional(),
  clientHash: z.string().min(1).optional(),
  answersHash: z.string().min(1),
  channel: z.enum(['web', 'paper']),
});
export type SubmissionFact = z.infer<typeof submissionFactSchema>;

export const integrityConfigSchema = z.strictObject({
  burst: z
    .strictObject({
      minForms: z.number().int().min(2).default(5),
      windowMinutes: z
        .number()
        .positive()
        .max(24 * 60)
        .default(10),
      /** Paper forms are keyed by staff from one desk: a burst there is the job, not a signal. */
      channels: z
        .array(z.enum(['web', 'paper']))
        .min(1)
        .default(['web']),
    })
    .prefault({}),
  fastCompletion: z
    .strictObject({
      minSeconds: z.number().positive().default(60),
    })
    .prefault({}),
  identicalAnswers: z
    .strictObject({
      minForms: z.number().int().min(2).default(5),
    })
    .prefault({}),
});
export type IntegrityConfig = z.infer<typeof integrityConfigSchema>;

export const parseIntegrityConfig = (input: unknown = {}): IntegrityConfig =>
  integrityConfigSchema.parse(input);

export type SignalKind = 'BURST' | 'FAST_COMPLETION' | 'IDENTICAL_ANSWERS';

export interface IntegritySignal {
  kind: SignalKind;
  unitCode: string;
  /** In submission order. */
  receiptIds: string[];
  /** Vietnamese, for the ops console. */
  detail: string;
}

const ms = (iso: string): number => Date.parse(iso);
const bySubmission = (a: SubmissionFact, b: SubmissionFact): number =>
  ms(a.submittedAt) - ms(b.submittedAt) ||
  (a.receiptId < b.receiptId ? -1 : a.receiptId > b.receiptId ? 1 : 0);
const hhmm = (iso: string): string => new Date(iso).toISOString().slice(11, 16);
const short = (hash: string): string => hash.slice(0, 8);
const minutes = (millis: number): string => {
  const m = Math.round((millis / 60_000) * 10) / 10;
  return String(m).replace('.', ',');
};

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Bursts: one signal per episode and unit (an episode over several units gives one per unit). */
export function detectBursts(facts: readonly SubmissionFact[], config: IntegrityConfig): IntegritySignal[] {
  const { minForms, windowMinutes, channels } = config.burst;
  const windowMs = windowMinutes * 60_000;
  const signals: IntegritySignal[] = [];
  const eligible = facts.filter((f) => f.clientHash !== undefined && channels.includes(f.channel));
  for (const [clientHash, list] of groupBy(eligible, (f) => f.clientHash!)) {
    const sorted = [...list].sort(bySubmission);
    // Mark every fact inside some window [t_i, t_i + W] holding ≥ minForms facts, then split the
    // marked facts into episodes where consecutive marked facts are within W of each other.
    const marked = new Array<boolean>(sorted.length).fill(false);
    let end = 0;
    for (let i = 0; i < sorted.length; i++) {
      end = Math.max(end, i);
      while (
        end + 1 < sorted.length &&
        ms(sorted[end + 1]!.submittedAt) - ms(sorted[i]!.submittedAt) <= windowMs
      )
        end++;
      if (end - i + 1 >= minForms) for (let k = i; k <= end; k++) marked[k] = true;
    }
    const episodes: SubmissionFact[][] = [];
    sorted.forEach((f, i) => {
      if (!marked[i]) return;
      const last = episodes.at(-1);
      const prev = last?.at(-1);
      if (last && prev && marked[i - 1] && ms(f.submittedAt) - ms(prev.submittedAt) <= windowMs) last.push(f);
      else episodes.push([f]);
    });
    for (const episode of episodes) {
      const from = episode[0]!.submittedAt;
      const to = episode.at(-1)!.submittedAt;
      for (const [unitCode, inUnit] of groupBy(episode, (f) => f.unitCode)) {
        const share = inUnit.length === episode.length ? '' : `, ${inUnit.length} phiếu thuộc đơn vị này`;
        signals.push({
          kind: 'BURST',
          unitCode,
          receiptIds: inUnit.map((f) => f.receiptId),
          detail: `${episode.length} phiếu từ cùng một thiết bị (${short(clientHash)}) trong ${minutes(ms(to) - ms(from))} phút (${hhmm(from)}–${hhmm(to)} UTC)${share}.`,
        });
      }
    }
  }
  return signals;
}

/** Seconds as a Vietnamese reader reads them: at most one decimal, a decimal comma (5,1). */
const viSeconds = (s: number): string => viNumber(Math.round(s * 10) / 10);

/** Fast completion: one signal per form opened less than `minSeconds` before it was submitted. */
export function detectFastCompletion(
  facts: readonly SubmissionFact[],
  config: IntegrityConfig,
): IntegritySignal[] {
  const { minSeconds } = config.fastCompletion;
  return [...facts]
    .filter((f) => f.openedAt !== undefined)
    .sort(bySubmission)
    .flatMap((f) => {
      const seconds = (ms(f.submittedAt) - ms(f.openedAt!)) / 1000;
      if (seconds >= minSeconds) return [];
      const detail =
        seconds < 0
          ? `Thời điểm mở phiếu muộn hơn thời điểm gửi (${viSeconds(-seconds)} giây): đồng hồ thiết bị sai hoặc dữ liệu bị sửa.`
          : `Phiếu hoàn thành trong ${viSeconds(seconds)} giây (ngưỡng ${viSeconds(minSeconds)} giây).`;
      return [{ kind: 'FAST_COMPLETION' as const, unitCode: f.unitCode, receiptIds: [f.receiptId], detail }];
    });
}

/** Identical answers: one signal per unit and answers hash shared by ≥ `minForms` forms. */
export function detectIdenticalAnswers(
  facts: readonly SubmissionFact[],
  config: IntegrityConfig,
): IntegritySignal[] {
  const { minForms } = config.identicalAnswers;
  const signals: IntegritySignal[] = [];
  for (const list of groupBy(facts, (f) => `${f.unitCode}\u001f${f.answersHash}`).values()) {
    if (list.length < minForms) continue;
    const sorted = [...list].sort(bySubmission);
    signals.push({
      kind: 'IDENTICAL_ANSWERS',
      unitCode: sorted[0]!.unitCode,
      receiptIds: sorted.map((f) => f.receiptId),
      detail: `${sorted.length} phiếu của đơn vị có câu trả lời giống hệt nhau (mã băm ${short(sorted[0]!.answersHash)}).`,
    });
  }
  return signals;
}

const KIND_ORDER: Record<SignalKind, number> = { BURST: 0, FAST_COMPLETION: 1, IDENTICAL_ANSWERS: 2 };

/**
 * Every signal over the facts, sorted by unit, kind, then first receipt in submission order.
 * Facts are validated; a bad fact throws (it comes from our own table, so that is a bug, not input).
 */
export function integritySignals(facts: readonly unknown[], config: unknown = {}): IntegritySignal[] {
  const cfg = parseIntegrityConfig(config);
  const parsed = facts.map((f) => submissionFactSchema.parse(f));
  const order = new Map([...parsed].sort(bySubmission).map((f, i) => [f.receiptId, i]));
  const first = (s: IntegritySignal) => order.get(s.receiptIds[0]!) ?? 0;
  return [
    ...detectBursts(parsed, cfg),
    ...detectFastCompletion(parsed, cfg),
    ...detectIdenticalAnswers(parsed, cfg),
  ].sort(
    (a, b) =>
      (a.unitCode < b.unitCode ? -1 : a.unitCode > b.unitCode ? 1 : 0) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      first(a) - first(b),
  );
}
