/** An in-memory RoundStore with the table's conditional semantics (status condition, no seed yet). */
import type { RoundStore } from '../../../services/rounds/store.ts';
import type { RoundAuditEntry } from '../../../shared/contracts/audit.ts';
import type { Round } from '../../../shared/tables/rounds.ts';

export const memoryRoundStore = (): RoundStore & { rounds: Map<string, Round>; audit: RoundAuditEntry[] } => {
  const rounds = new Map<string, Round>();
  const audit: RoundAuditEntry[] = [];
  return {
    rounds,
    audit,
    async putIfAbsent(round) {
      const existing = rounds.get(round.id);
      if (existing) return { created: false, round: existing };
      rounds.set(round.id, round);
      return { created: true, round };
    },
    async get(id) {
      return rounds.get(id) ?? null;
    },
    async list(limit) {
      return [...rounds.values()].slice(0, limit);
    },
    async listAll() {
      return [...rounds.values()];
    },
    async updateIf(roundId, expect, set, entry) {
      const round = rounds.get(roundId);
      if (!round || !expect.status.includes(round.status)) return false;
      if (expect.requireNoSeed && round.seed) return false;
      rounds.set(roundId, { ...round, ...set } as Round);
      audit.push(entry);
      return true;
    },
  };
};
