/** The templates shipped with the product; rounds reference one by id (an immutable version, §4.4). */
import { TemplateNotFoundError } from './errors.ts';
import { parseTemplate, type QuestionnaireTemplate } from './template.ts';
import { PAR_PROVINCE_2024 } from './template-par-province-2024.ts';
import { SIPAS_2024 } from './template-sipas-2024.ts';

// Validated at module load: a broken built-in template fails every test and every cold start.
const TEMPLATES: readonly QuestionnaireTemplate[] = [
  parseTemplate(SIPAS_2024),
  parseTemplate(PAR_PROVINCE_2024),
];

export const DEFAULT_TEMPLATE_IDS: { readonly SIPAS: string; readonly PAR: string } = {
  SIPAS: SIPAS_2024.id,
  PAR: PAR_PROVINCE_2024.id,
};

/** Built-in templates (deep copies: callers may not mutate the registry). */
export function listTemplates(): QuestionnaireTemplate[] {
  return TEMPLATES.map((t) => structuredClone(t));
}

export function getTemplate(id: string): QuestionnaireTemplate {
  const found = TEMPLATES.find((t) => t.id === id);
  if (found === undefined) throw new TemplateNotFoundError(id);
  return structuredClone(found);
}
