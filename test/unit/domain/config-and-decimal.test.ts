import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_PAR_RULES,
  DEFAULT_SAMPLING_RULES,
  DEFAULT_SIPAS_RULES,
  Dec,
  foldKey,
  getMethodologyConfig,
  mean,
  normaliseText,
  resolveParRules,
  resolveRoundMethodology,
  resolveSipasRules,
  round2,
  round2OrNull,
  viNumber,
} from '../../../shared/domain/index.ts';

describe('round2: half-up to 2 decimals, once, at output', () => {
  it('rounds ties up where binary floating point would not', () => {
    // (80.675).toFixed(2) is "80.67" and (1.005).toFixed(2) is "1.00" in JavaScript; half-up gives 80.68 and 1.01
    expect(round2(80.675)).toBe(80.68);
    expect(round2('1.005')).toBe(1.01);
    expect(round2(1.005)).toBe(1.01);
    expect(round2('85.785')).toBe(85.79);
    expect(round2('85.7849999')).toBe(85.78);
    expect(round2(new Dec(237.5).dividedBy(3))).toBe(79.17);
    expect(round2(100)).toBe(100);
    expect(round2OrNull(null)).toBeNull();
    expect(round2OrNull('0.125')).toBe(0.13);
  });

  it('keeps full precision until then: (1/3) × 3 = 1 within 24 digits; a mean of nothing is null', () => {
    expect(new Dec(1).dividedBy(3).times(3).toDecimalPlaces(20).toString()).toBe('1');
    expect(new Dec(1).dividedBy(3).toString()).toBe(`0.${'3'.repeat(24)}`);
    expect(mean([])).toBeNull();
    expect(mean([new Dec('0.1'), new Dec('0.2')])!.toString()).toBe('0.15');
    expect(viNumber('85.78')).toBe('85,78');
  });
});

describe('text normalisation', () => {
  it('normaliseText: NFC, trimmed, whitespace runs (incl. NBSP, U+202F) collapsed; foldKey ignores case, diacritics, đ, separators', () => {
    expect(normaliseText(' Sở\u00a0\u00a0Nội\u202fvụ \n')).toBe('Sở Nội vụ');
    expect(foldKey('Mã Đơn_vị')).toBe('madonvi');
    expect(foldKey('ma-don vi')).toBe('madonvi');
  });
});

describe('versioned methodology configuration', () => {
  it('picks the version in force for the year', () => {
    expect(getMethodologyConfig(2020)).toMatchObject({
      version: '2020.1',
      structure: 'three-tier',
      raterMatrixId: 'hai-phong-2020',
    });
    expect(getMethodologyConfig(2022).version).toBe('2020.1');
    expect(getMethodologyConfig(2024)).toMatchObject({
      version: '2023.1',
      templates: { SIPAS: 'sipas-2024-v1' },
    });
    expect(getMethodologyConfig(2026)).toMatchObject({
      version: '2025.1',
      structure: 'two-tier',
      raterMatrixId: 'two-tier-2025',
    });
    expect(() => getMethodologyConfig(2019)).toThrow('năm 2019: chưa có cấu hình phương pháp');
  });

  it('defaults are those of data-rules rule 16 and methodology.md', () => {
    const c = getMethodologyConfig(2024);
    expect(c.sipas).toEqual(DEFAULT_SIPAS_RULES);
    expect(DEFAULT_SIPAS_RULES).toEqual({
      minValidShare: 0.5,
      indexMethod: 'share-satisfied',
      aggregation: 'mean-of-aspects',
    });
    expect(c.par.optionWeights).toEqual({ A: 1, B: 0.6, C: 0.2, D: 0 });
    expect(c.par.grades.bands.map((b) => [b.code, b.min])).toEqual([
      ['A', 90],
      ['B', 80],
      ['C', 70],
    ]);
    expect(c.sampling).toEqual(DEFAULT_SAMPLING_RULES);
    expect(DEFAULT_PAR_RULES.ranking).toEqual({ compareOn: 'rounded', tieRanks: 'competition' });
  });

  it('a round overrides any setting; invalid overrides are refused naming the setting', () => {
    const c = resolveRoundMethodology(2024, {
      structure: 'two-tier',
      raterMatrixId: 'two-tier-2025',
      parIndexConfigId: 'par-national-province-2022',
      templates: { PAR: 'par-custom-v2' },
      sipas: { minValidShare: 0.6 },
      par: { abstainOptions: [] },
      sampling: { marginOfError: 0.03 },
    });
    expect(c).toMatchObject({
      structure: 'two-tier',
      raterMatrixId: 'two-tier-2025',
      parIndexConfigId: 'par-national-province-2022',
      templates: { SIPAS: 'sipas-2024-v1', PAR: 'par-custom-v2' },
      sipas: { minValidShare: 0.6, indexMethod: 'share-satisfied' },
      par: { abstainOptions: [] },
      sampling: { marginOfError: 0.03, rounding: 'up' },
    });
    expect(resolveRoundMethodology(2024)).toEqual(getMethodologyConfig(2024));
    expect(() => resolveRoundMethodology(2024, { sampling: { marginOfError: 2 } })).toThrow(
      /cấu hình đợt "sampling.marginOfError"/,
    );
    expect(() => resolveSipasRules({ indexMethod: 'median' as never })).toThrow(ConfigError);
    expect(() => resolveParRules({ missingScore: 'maybe' as never })).toThrow(/quy tắc PAR "missingScore"/);
  });
});
