import { describe, expect, it } from 'vitest';
import { getTemplate } from '../../../shared/domain/index.ts';
import {
  loadRoundTemplate,
  QuestionnaireNotFoundError,
  type StoredQuestionnaire,
} from '../../../shared/tables/rounds.ts';

const stored = (id: string): StoredQuestionnaire => ({
  id,
  version: 1,
  contentHash: 'h',
  template: { ...getTemplate('sipas-2024-v1'), id, title: `Mẫu ${id}` },
  source: 'csv',
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'admin',
});

describe('loadRoundTemplate', () => {
  it('reads an imported version once per container, then serves it from the cache', async () => {
    let reads = 0;
    const reader = {
      getQuestionnaire: async (id: string) => {
        reads++;
        return stored(id);
      },
    };
    const round = { templateId: 'cache-test', questionnaire: { id: 'cache-test', version: 1 } };
    const first = await loadRoundTemplate(round, reader);
    const second = await loadRoundTemplate(round, reader);
    expect(first.title).toBe('Mẫu cache-test');
    expect(second).toBe(first);
    expect(reads).toBe(1);
  });

  it('uses the built-in template without reading the table', async () => {
    let reads = 0;
    const reader = {
      getQuestionnaire: async () => {
        reads++;
        return null;
      },
    };
    const t = await loadRoundTemplate({ templateId: 'sipas-2024-v1' }, reader);
    expect(t.id).toBe('sipas-2024-v1');
    expect(reads).toBe(0);
  });

  it('refuses a reference to a missing version with 404 QUESTIONNAIRE_NOT_FOUND', async () => {
    const reader = { getQuestionnaire: async () => null };
    const round = { templateId: 'gone', questionnaire: { id: 'gone', version: 3 } };
    await expect(loadRoundTemplate(round, reader)).rejects.toBeInstanceOf(QuestionnaireNotFoundError);
  });
});
