/**
 * The assessment use cases against an in-memory store of our own interface: the state machine's edges
 * (response window, finalisation, criteria in use, incomplete submission, concurrent changes) without
 * the HTTP layer. The happy path over HTTP is test/integration/par-assessment.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { attachCriteria } from '../../../services/assessment/setup.ts';
import type { AssessmentStore } from '../../../services/assessment/store.ts';
import {
  appraise,
  finalise,
  publishAppraisal,
  respond,
  selfAssess,
  submitSelfAssessment,
  viewUnit,
  type WorkflowDeps,
} from '../../../services/assessment/workflow.ts';
import type { RoundAuditEntry } from '../../../shared/contracts/audit.ts';
import { importParCriteriaCsv } from '../../../shared/domain/index.ts';
import type { Principal } from '../../../shared/platform/auth.ts';
import { ConflictError } from '../../../shared/platform/errors.ts';
import type {
  AssessmentEntry,
  AssessmentSetup,
  StoredCriteria,
  UnitAssessmentState,
} from '../../../shared/tables/assessments.ts';
import type { Round } from '../../../shared/tables/rounds.ts';

const config = importParCriteriaCsv(
  [
    'Mã,Mã cấp trên,Nội dung,Điểm tối đa,Phương pháp,Cần tài liệu kiểm chứng',
    'DT,,Điều tra,5,điều tra xã hội học,',
    'LV1,,Chỉ đạo,5,thẩm định,',
    '1.1,LV1,Kế hoạch,2,thẩm định,không',
    '1.2,LV1,Tỷ lệ,3,công thức,',
  ].join('\n'),
  { id: 'tc', year: 2026, level: 'department', title: 'Thử' },
);

const memoryStore = () => {
  const criteria = new Map<string, StoredCriteria>();
  const setups = new Map<string, AssessmentSetup>();
  const states = new Map<string, UnitAssessmentState>();
  const entries: AssessmentEntry[] = [];
  const audit: RoundAuditEntry[] = [];
  let failNext = false;
  const store: AssessmentStore = {
    getCriteria: async (id, v) => criteria.get(`${id}#${v}`) ?? null,
    listCriteria: async () => [...criteria.values()],
    getSetup: async (r) => setups.get(r) ?? null,
    getUnitState: async (r, u) => states.get(`${r}#${u}`) ?? null,
    listUnitStates: async (r) => [...states.values()].filter((s) => s.roundId === r),
    listEntries: async (_r, u) => entries.filter((e) => u === undefined || e.unitCode === u),
    putCriteriaIfAbsent: async (c) => {
      if (criteria.has(`${c.id}#${c.version}`)) return false;
      criteria.set(`${c.id}#${c.version}`, c);
      return true;
    },
    putSetup: async (s, _prev, a) => {
      setups.set(s.roundId, s);
      audit.push(a);
    },
    applyUnitChange: async (roundId, change) => {
      const key = `${roundId}#${change.state.unitCode}`;
      if (failNext || (states.get(key)?.updatedAt ?? null) !== change.previousUpdatedAt) {
        failNext = false;
        throw new ConflictError('CONCURRENT_CHANGE', 'stale');
      }
      if (change.entry) entries.push(change.entry);
      states.set(key, change.state);
      audit.push(change.audit);
    },
    readAudit: async () => audit,
  };
  return { store, audit, entries, criteria, failNextWrite: () => (failNext = true) };
};

const round = {
  id: 'r1',
  kind: 'PAR',
  units: [{ code: 'U1', name: 'Một' }],
} as unknown as Round;
const admin: Principal = { sub: 'admin', roles: ['admin'], units: '*' };
const focal: Principal = { sub: 'focal', roles: ['operator'], units: ['U1'] };

const setup = async (responseWindowHours: number) => {
  const mem = memoryStore();
  mem.criteria.set('tc#1', {
    id: 'tc',
    version: 1,
    contentHash: 'h',
    config,
    source: 'csv',
    createdAt: '2026-01-01T00:00:00Z',
    createdBy: 'admin',
  });
  let clock = Date.parse('2026-03-01T00:00:00Z');
  const now = () => new Date(clock);
  const tick = (ms: number) => {
    clock += ms;
  };
  const rounds = { get: async (id: string) => (id === round.id ? round : null) };
  await attachCriteria(
    round.id,
    { id: 'tc', version: 1, selfAssessmentDeadline: '2026-03-10T00:00:00Z', responseWindowHours },
    { principal: admin, store: mem.store, rounds, now },
  );
  const deps = (principal: Principal): WorkflowDeps => ({
    principal,
    store: mem.store,
    rounds,
    evidenceSize: async () => 1,
    now,
  });
  return { ...mem, deps, tick, rounds, now };
};

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return 'resolved';
};

describe('assessment workflow', () => {
  it('refuses an incomplete submission, then submits once (again → unchanged)', async () => {
    const t = await setup(24);
    expect(await codeOf(submitSelfAssessment('r1', 'U1', t.deps(focal)))).toBe('SELF_ASSESSMENT_INCOMPLETE');
    await selfAssess('r1', 'U1', '1.1', { score: 1.5, evidence: { links: [], fileKeys: [] } }, t.deps(focal));
    t.tick(1);
    expect((await submitSelfAssessment('r1', 'U1', t.deps(focal))).changed).toBe(true);
    expect((await submitSelfAssessment('r1', 'U1', t.deps(focal))).changed).toBe(false);
    expect(t.audit.filter((a) => a.action === 'SELF_ASSESSMENT_SUBMITTED')).toHaveLength(1);
  });

  it('closes the response window after its hours; finalising is then allowed without an answer', async () => {
    const t = await setup(0);
    await selfAssess(
      'r1',
      'U1',
      '1.1',
      { score: '1,5', evidence: { links: [], fileKeys: [] } },
      t.deps(focal),
    );
    await submitSelfAssessment('r1', 'U1', t.deps(focal));
    expect(
      await codeOf(appraise('r1', 'U1', '1.2', { adjustedScore: 3.5, reason: 'x' }, t.deps(admin))),
    ).toBe('SCORE_OUT_OF_RANGE');
    await appraise('r1', 'U1', '1.2', { adjustedScore: 2.5, reason: 'số liệu một cửa' }, t.deps(admin));
    await publishAppraisal('r1', 'U1', t.deps(admin));
    t.tick(1);
    expect(await codeOf(respond('r1', 'U1', { note: 'muộn' }, t.deps(focal)))).toBe('RESPONSE_WINDOW_CLOSED');
    const fin = await finalise('r1', 'U1', t.deps(admin));
    expect(fin.state.status).toBe('finalised');
    expect(await codeOf(appraise('r1', 'U1', '1.1', { adjustedScore: 1, reason: 'x' }, t.deps(admin)))).toBe(
      'ASSESSMENT_FINALISED',
    );
    expect(t.entries.find((e) => e.kind === 'self')).toMatchObject({ score: '1.5' });
  });

  it('refuses another criteria version once a unit has scored, and a stale concurrent change', async () => {
    const t = await setup(24);
    await selfAssess('r1', 'U1', '1.1', { score: 1, evidence: { links: [], fileKeys: [] } }, t.deps(focal));
    t.criteria.set('tc#2', { ...t.criteria.get('tc#1')!, version: 2 });
    const other = {
      id: 'tc',
      version: 2,
      selfAssessmentDeadline: '2026-03-10T00:00:00Z',
      responseWindowHours: 24,
    };
    expect(
      await codeOf(attachCriteria('r1', other, { principal: admin, store: t.store, rounds: t.rounds })),
    ).toBe('CRITERIA_IN_USE');
    // A later deadline on the same version is fine, and audited as a change.
    const later = { ...other, version: 1, selfAssessmentDeadline: '2026-03-20T00:00:00Z' };
    expect(
      (await attachCriteria('r1', later, { principal: admin, store: t.store, rounds: t.rounds })).changed,
    ).toBe(true);
    expect(t.audit.at(-1)?.action).toBe('PAR_CRITERIA_CHANGED');
    t.failNextWrite();
    expect(
      await codeOf(
        selfAssess('r1', 'U1', '1.1', { score: 2, evidence: { links: [], fileKeys: [] } }, t.deps(focal)),
      ),
    ).toBe('CONCURRENT_CHANGE');
    expect(t.entries).toHaveLength(1);
  });

  it('refuses an unknown unit, another unit, and a round without criteria', async () => {
    const t = await setup(24);
    const score = { score: 1, evidence: { links: [], fileKeys: [] } };
    expect(await codeOf(selfAssess('r1', 'U9', '1.1', score, t.deps(admin)))).toBe('UNKNOWN_UNIT');
    const other: Principal = { sub: 'o', roles: ['operator'], units: ['U2'] };
    expect(await codeOf(selfAssess('r1', 'U1', '1.1', score, t.deps(other)))).toBe('FORBIDDEN');
    const bare = memoryStore();
    const deps = { ...t.deps(admin), store: bare.store };
    expect(await codeOf(selfAssess('r1', 'U1', '1.1', score, deps))).toBe('NO_PAR_CRITERIA');
    expect(await codeOf(publishAppraisal('r1', 'U1', t.deps(admin)))).toBe('NOT_SUBMITTED');
    expect(await codeOf(finalise('r1', 'U1', t.deps(admin)))).toBe('APPRAISAL_NOT_PUBLISHED');
  });

  it("shows the unit the Sở's appraisal only once published, with the totals the domain composes", async () => {
    const t = await setup(24);
    const view = (p: Principal) => viewUnit('r1', 'U1', { ...t.deps(p), fileUrl: async (k) => `u/${k}` });
    await selfAssess(
      'r1',
      'U1',
      '1.1',
      { score: '1,5', evidence: { links: [], fileKeys: [] } },
      t.deps(focal),
    );
    t.tick(1);
    await submitSelfAssessment('r1', 'U1', t.deps(focal));
    t.tick(1);
    await appraise('r1', 'U1', '1.1', { adjustedScore: 1, reason: 'thiếu kế hoạch' }, t.deps(admin));
    await appraise('r1', 'U1', '1.2', { adjustedScore: '2,25', reason: 'số liệu một cửa' }, t.deps(admin));
    const draft = await view(focal);
    expect(draft.leaves.find((l) => l.code === '1.1')?.appraisal).toBeNull();
    expect(draft.history.map((h) => h.kind)).toEqual(['self']);
    expect(draft.totals).toMatchObject({
      self: { achieved: 1.5, applicableMax: 2 },
      appraised: null,
      formula: null,
    });
    // Province-wide staff see the draft appraisal: the adjusted score counts, and the formula figure.
    const staff = await view(admin);
    expect(staff.totals).toMatchObject({
      self: { achieved: 1.5, applicableMax: 2 },
      appraised: { achieved: 1, applicableMax: 2 },
      formula: { achieved: 2.25, applicableMax: 3 },
    });
    expect(staff.totals.fields).toEqual([
      expect.objectContaining({
        code: 'LV1',
        self: { achieved: 1.5 + 2.25, applicableMax: 5 },
        counted: { achieved: 1 + 2.25, applicableMax: 5 },
      }),
    ]);
    expect(staff.history.find((h) => h.criterionCode === '1.1' && h.kind === 'appraisal')).toMatchObject({
      score: '1',
      reason: 'thiếu kế hoạch',
      by: 'admin',
    });
    await publishAppraisal('r1', 'U1', t.deps(admin));
    const published = await view(focal);
    expect(published.leaves.find((l) => l.code === '1.1')?.appraisal).toMatchObject({
      reason: 'thiếu kế hoạch',
    });
    expect(published.totals.appraised).toEqual({ achieved: 1, applicableMax: 2 });
  });
});
