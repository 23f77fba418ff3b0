/** Shared fixtures of the use-case tests: a round as the contract stores it, keys, principals, answers. */
import { DEFAULT_TEMPLATE_IDS, getTemplate } from '../../../shared/domain/index.ts';
import type { Principal } from '../../../shared/platform/auth.ts';
import { keysFromSecret } from '../../../shared/platform/crypto.ts';
import { DEFAULT_ROUND_SETTINGS, type Round } from '../../../shared/tables/rounds.ts';

export const keys = keysFromSecret('unit-test-secret-0123456789');

export const admin: Principal = { sub: 'admin-1', roles: ['admin'], units: '*' };
export const operatorOf = (...units: string[]): Principal => ({ sub: 'op-1', roles: ['operator'], units });

export const sipasRound = (overrides: Partial<Round> = {}): Round => ({
  id: 'r1',
  name: 'Khảo sát thử',
  year: 2026,
  kind: 'SIPAS',
  templateId: DEFAULT_TEMPLATE_IDS.SIPAS,
  structure: 'two-tier',
  methodologyVersion: '2025.1',
  units: [
    { code: 'U1', name: 'UBND phường Một' },
    { code: 'U2', name: 'UBND xã Hai' },
  ],
  fields: [
    { code: 'tu-phap', name: 'Tư pháp' },
    { code: 'dat-dai', name: 'Đất đai' },
  ],
  scoringRules: {},
  status: 'ROSTERS_OPEN',
  settings: DEFAULT_ROUND_SETTINGS,
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'admin-1',
  requestHash: 'h',
  ...overrides,
});

const sipas = getTemplate(DEFAULT_TEMPLATE_IDS.SIPAS);

/** Valid answers to every required SIPAS question; every scale item gets `level`. */
export const sipasAnswers = (level: number): Record<string, unknown> => {
  const answers: Record<string, unknown> = {};
  for (const q of sipas.sections.flatMap((s) => s.questions)) {
    if (q.type === 'scale') answers[q.id] = level;
    else if (q.required && q.type === 'single') answers[q.id] = q.options?.[0]?.value;
    else if (q.required && q.type === 'multi') answers[q.id] = [q.options?.[0]?.value];
    else if (q.required && q.type === 'text') answers[q.id] = 'Ý kiến';
  }
  return answers;
};
