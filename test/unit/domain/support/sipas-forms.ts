import type { QuestionnaireTemplate, SipasForm } from '../../../../shared/domain/index.ts';

/**
 * Build `total` forms whose answers to each item follow the given level counts [n1..n5]; forms beyond
 * the sum of the counts leave the item blank. Answers are dealt in level order (form 0 gets the lowest
 * levels), which is as good as any order: scores do not depend on it (see the property tests).
 */
export function formsFromCounts(
  total: number,
  counts: Record<string, [number, number, number, number, number]>,
  unitCode = 'U1',
  fieldCode = 'F1',
): SipasForm[] {
  const forms: SipasForm[] = Array.from({ length: total }, () => ({ unitCode, fieldCode, answers: {} }));
  for (const [id, levels] of Object.entries(counts)) {
    let f = 0;
    levels.forEach((n, i) => {
      for (let k = 0; k < n; k++) {
        const form = forms[f++];
        if (form === undefined) throw new Error(`more answers than forms for ${id}`);
        form.answers[id] = i + 1;
      }
    });
  }
  return forms;
}

/** A small SIPAS-shaped template: aspects CS (P1, P2) and DV (S1, S2), plus one choice and a text question. */
export function miniTemplate(): QuestionnaireTemplate {
  const scale = (id: string, elementCode: string) => ({
    id,
    type: 'scale' as const,
    text: `Câu ${id}`,
    required: false,
    elementCode,
    provenance: 'adapted' as const,
  });
  return {
    id: 'mini-v1',
    kind: 'SIPAS',
    year: 2024,
    version: 1,
    title: 'Mẫu thử',
    scale: {
      min: 1,
      max: 5,
      labels: ['Rất không hài lòng', 'Không hài lòng', 'Bình thường', 'Hài lòng', 'Rất hài lòng'],
      satisfiedLevels: [4, 5],
    },
    aspects: [
      { code: 'CS', name: 'Chính sách' },
      { code: 'DV', name: 'Dịch vụ' },
    ],
    elements: [
      { code: 'P1', name: 'P1', aspectCode: 'CS' },
      { code: 'P2', name: 'P2', aspectCode: 'CS' },
      { code: 'S1', name: 'S1', aspectCode: 'DV' },
      { code: 'S2', name: 'S2', aspectCode: 'DV' },
    ],
    sections: [
      {
        id: 'hai_long',
        title: 'Hài lòng',
        questions: [
          scale('p1_1', 'P1'),
          scale('p2_1', 'P2'),
          scale('s1_1', 'S1'),
          scale('s1_2', 'S1'),
          scale('s2_1', 'S2'),
        ],
      },
      {
        id: 'khac',
        title: 'Khác',
        questions: [
          {
            id: 'mm_1',
            type: 'multi',
            text: 'Mong muốn',
            required: false,
            options: [
              { value: 'a', label: 'A' },
              { value: 'b', label: 'B' },
            ],
            provenance: 'adapted',
          },
          { id: 'yk', type: 'text', text: 'Ý kiến', required: false, maxLength: 10, provenance: 'adapted' },
        ],
      },
    ],
  };
}
