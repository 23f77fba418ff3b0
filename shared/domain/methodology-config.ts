/**
 * Versioned methodology configuration: every configurable choice of methodology.md with its default,
 * per period of years. A round starts from the version in force for its year and may override any
 * setting; the result is validated with zod (`resolveRoundMethodology`).
 */
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { configIssues, DEFAULT_PAR_RULES, parRulesSchema } from './par-rules.ts';
import { DEFAULT_SAMPLING_RULES, samplingRulesSchema } from './sample-size.ts';
import { DEFAULT_SIPAS_RULES, sipasRulesSchema } from './sipas-rules.ts';

export const methodologyConfigSchema = z.object({
  /** Version id, e.g. "2023.1"; stored with every result so a recomputation uses the same rules. */
  version: z.string().min(1),
  /** First year (inclusive) this version applies to. */
  fromYear: z.number().int(),
  methodRefs: z.object({ sipas: z.string(), par: z.string() }),
  structure: z.enum(['three-tier', 'two-tier']),
  templates: z.object({ SIPAS: z.string(), PAR: z.string() }),
  raterMatrixId: z.string(),
  parIndexConfigId: z.string(),
  sipas: sipasRulesSchema,
  par: parRulesSchema,
  sampling: samplingRulesSchema,
});
export type MethodologyConfig = z.infer<typeof methodologyConfigSchema>;

const BASE = {
  sipas: DEFAULT_SIPAS_RULES,
  par: DEFAULT_PAR_RULES,
  sampling: DEFAULT_SAMPLING_RULES,
  templates: { SIPAS: 'sipas-2024-v1', PAR: 'par-province-2024-v1' },
  parIndexConfigId: 'par-internal-2024',
};

/** Ordered by `fromYear`. */
export const METHODOLOGY_CONFIGS: readonly MethodologyConfig[] = [
  {
    ...BASE,
    version: '2020.1',
    fromYear: 2020,
    methodRefs: { sipas: 'QĐ 2640/QĐ-BNV (2017–2020)', par: 'QĐ 1150/QĐ-BNV (2019)' },
    structure: 'three-tier',
    raterMatrixId: 'hai-phong-2020',
  },
  {
    ...BASE,
    version: '2023.1',
    fromYear: 2023,
    methodRefs: { sipas: 'QĐ 1001/QĐ-BNV (2023–2026)', par: 'QĐ 876/QĐ-BNV (2022)' },
    structure: 'three-tier',
    raterMatrixId: 'hai-phong-2020',
  },
  {
    ...BASE,
    version: '2025.1',
    fromYear: 2025,
    methodRefs: { sipas: 'QĐ 1001/QĐ-BNV (2023–2026)', par: 'QĐ 876/QĐ-BNV (2022)' },
    structure: 'two-tier',
    raterMatrixId: 'two-tier-2025',
  },
].map((c) => methodologyConfigSchema.parse(c));

/** The version in force for a year (the latest whose `fromYear` ≤ year). */
export function getMethodologyConfig(year: number): MethodologyConfig {
  const found = [...METHODOLOGY_CONFIGS].reverse().find((c) => c.fromYear <= year);
  if (found === undefined) {
    throw new ConfigError([
      { where: `năm ${year}`, code: 'NO_METHODOLOGY', message: `năm ${year}: chưa có cấu hình phương pháp` },
    ]);
  }
  return structuredClone(found);
}

export interface MethodologyOverrides {
  structure?: MethodologyConfig['structure'];
  templates?: Partial<MethodologyConfig['templates']>;
  raterMatrixId?: string;
  parIndexConfigId?: string;
  sipas?: Partial<MethodologyConfig['sipas']>;
  par?: Partial<MethodologyConfig['par']>;
  sampling?: Partial<MethodologyConfig['sampling']>;
}

/** A round's settings: the year's version with the round's overrides, validated. */
export function resolveRoundMethodology(
  year: number,
  overrides: MethodologyOverrides = {},
): MethodologyConfig {
  const base = getMethodologyConfig(year);
  const merged = {
    ...base,
    ...(overrides.structure === undefined ? {} : { structure: overrides.structure }),
    ...(overrides.raterMatrixId === undefined ? {} : { raterMatrixId: overrides.raterMatrixId }),
    ...(overrides.parIndexConfigId === undefined ? {} : { parIndexConfigId: overrides.parIndexConfigId }),
    templates: { ...base.templates, ...overrides.templates },
    sipas: { ...base.sipas, ...overrides.sipas },
    par: { ...base.par, ...overrides.par },
    sampling: { ...base.sampling, ...overrides.sampling },
  };
  const parsed = methodologyConfigSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(configIssues('cấu hình đợt', 'INVALID_CONFIG', parsed.error));
  return parsed.data;
}
