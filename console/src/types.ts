/** The API's answers, as far as the console reads them (README's API table). */
export interface Unit {
  code: string;
  name: string;
  parentCode?: string;
  type?: string;
}
export interface Field {
  code: string;
  name: string;
}
export interface RoundSummary {
  id: string;
  name: string;
  year: number;
  kind: 'SIPAS' | 'PAR';
  status: string;
  createdAt: string;
}
export interface RoundSchedule {
  rostersDeadline?: string;
  distributionDate?: string;
  fieldworkEnd?: string;
}
export type RoundQuota =
  | { kind: 'fixed'; official: number; reserve: number }
  | { kind: 'proportional'; total: number; minPerStratum: number; reserveRatio: number }
  | { kind: 'formula'; marginOfError: number; minPerStratum?: number; reserveRatio: number };
export interface Round extends RoundSummary {
  schedule?: RoundSchedule;
  seed?: { value: string; source: string; fixedAt?: string; fixedBy?: string };
  quota?: RoundQuota;
  settings?: {
    minCellSize?: number;
    requireOtp?: boolean;
    fastCompletionSeconds?: number;
    doubleEntry?: boolean;
  };
  templateId: string;
  structure: 'three-tier' | 'two-tier';
  methodologyVersion: string;
  units: Unit[];
  fields: Field[];
  createdBy: string;
}
export interface RowError {
  row: number;
  column?: string;
  code: string;
  message: string;
  value?: string;
}
export interface ImportReport {
  importId: string;
  filename?: string;
  status: string;
  dataRows?: number;
  valid?: number;
  rejected?: number;
  warnings?: number;
  stored?: number;
  duplicates?: number;
  chunkCount?: number;
  chunksDone?: number;
  rowsRead?: number;
  rowsWritten?: number;
  errors?: RowError[];
  errorsTruncated?: boolean;
  createdAt?: string;
  completedAt?: string;
}
export interface Stratum {
  unitCode: string;
  fieldCode: string;
  persons: number;
  official: number;
  reserve: number;
  shortfall: number;
}
export interface SampleManifest {
  sampleId: string;
  status: string;
  seed?: string;
  algorithm?: string;
  rosterHash?: string;
  officialPerStratum?: number;
  reservePerStratum?: number;
  strata?: Stratum[];
  totals?: { official: number; reserve: number; shortfall: number };
  requestedAt?: string;
  completedAt?: string;
  requestedBy?: string;
}
export interface Counts {
  issued?: number;
  returned?: number;
  valid?: number;
  invalid?: number;
}
export interface UnitResult {
  unitCode: string;
  unitName?: string;
  counts?: Counts;
  index?: number | null;
  rank?: number | null;
  grade?: string;
  aspects?: { code: string; index: number | null }[];
  elements?: { code: string; aspectCode?: string; index: number | null }[];
  points?: number;
  maxPoints?: number;
}
export interface Results {
  live?: { unitCode: string; fieldCode: string; returned: number }[];
  latest?: {
    runId?: string;
    kind?: string;
    computedAt?: string;
    methodologyVersion?: string;
    trigger?: string;
    units?: UnitResult[];
    unitFields?: { unitCode: string; fieldCode: string; index?: number | null; counts?: Counts }[];
    round?: { index?: number | null; counts?: Counts; aspects?: { code: string; index: number | null }[] };
  } | null;
}
export interface Respondent {
  personKey: string;
  fullName?: string;
  phone?: string;
  phoneKind?: string;
  address?: string;
  birthYear?: number;
  sex?: string;
  dossiers: {
    dossierId: string;
    unitCode: string;
    fieldCode: string;
    completedOn?: string;
    row?: number;
    importId?: string;
  }[];
}

/** GET …/fieldwork-progress (submission service). */
export interface FieldworkProgress {
  roundId: string;
  sampleId: string | null;
  cells: { unitCode: string; fieldCode: string; issued: number; returned: number }[];
  days: { day: string; unitCode: string; fieldCode: string; returned: number }[];
}

/** GET …/non-responders (rounds service); name, phone and paper code for admins and operators only. */
export interface NonResponder {
  unitCode: string;
  unitName: string;
  fieldCode: string;
  fieldName: string;
  list: 'official' | 'reserve';
  rank: number;
  sampleId: string;
  reminders: number;
  lastReminder?: string;
  name?: string;
  phone?: string;
  phoneKind?: 'mobile' | 'landline';
  paperCode?: string;
}
export interface NonResponders {
  roundId: string;
  total: number;
  items: NonResponder[];
  byUnit: Record<string, number>;
  withPersonalData: boolean;
}

export type SignalKind = 'BURST' | 'FAST_COMPLETION' | 'IDENTICAL_ANSWERS';
/** GET …/integrity-signals (submission service). */
export interface IntegritySignals {
  roundId: string;
  submissions: number;
  withOpenedAt: number;
  settings: { fastCompletionSeconds: number };
  counts: Record<SignalKind, number>;
  signals: { kind: SignalKind; unitCode: string; receiptIds: string[]; detail: string }[];
}

/** One row's change against the earlier round (GET …/results?compare=). */
export interface CompareRow {
  inEarlierRound: boolean;
  index: { comparable: boolean; current: number | null; earlier: number | null; change: number | null };
  responseRate: { current: number | null; earlier: number | null; change: number | null };
}
export interface Comparison {
  earlierRoundId: string;
  earlierRunId: string | null;
  comparability: {
    items: { comparable: string[]; notComparable: { questionId: string; reason: string }[] };
    elements: { comparable: string[]; notComparable: string[] };
    aspects: { comparable: string[]; notComparable: string[] };
    overall: boolean;
  };
  round: CompareRow | null;
  units: (CompareRow & { unitCode: string })[];
}

/** GET /api/catalogues items: one stored version of a unit catalogue. */
export interface CatalogueSummary {
  id: string;
  version: number;
  name?: string;
  units: number;
  unitsByType: Record<string, number>;
  fields: number;
  procedures: number;
  createdAt: string;
}
export interface CatalogueUnit {
  code: string;
  name: string;
  type: string;
  parentCode: string | null;
  validFrom: string;
  validTo: string | null;
  successorCodes: string[];
}
export interface CatalogueDetail extends Omit<CatalogueSummary, 'units' | 'fields'> {
  units: CatalogueUnit[];
  fields: { code: string; name: string }[];
}
/** GET /api/questionnaires items. */
export interface QuestionnaireSummary {
  id: string;
  version: number;
  title: string;
  year?: number;
  kind?: 'SIPAS' | 'PAR';
  items: number;
  satisfactionItems: number;
  createdAt: string;
}
