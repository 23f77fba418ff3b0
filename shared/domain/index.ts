/** Public API of the methodology core (pure TypeScript, no AWS). */
export * from './answers.ts';
export * from './catalogue-csv.ts';
export * from './csv.ts';
export * from './decimal.ts';
export * from './draw.ts';
export * from './errors.ts';

export * from './grade.ts';
export * from './methodology-config.ts';
export * from './org-unit.ts';
export * from './par-configs.ts';
export * from './par-index.ts';
export * from './par-rules.ts';
export * from './par-survey.ts';
export * from './ranking.ts';
export * from './rater-matrix.ts';
export * from './sample-size.ts';
export * from './sipas-rules.ts';
export * from './sipas-scoring.ts';
export * from './strata.ts';
export * from './template.ts';
export * from './template-par-province-2024.ts';
export * from './template-registry.ts';
export * from './template-sipas-2024.ts';
export * from './text.ts';
