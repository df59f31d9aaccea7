// The row-by-row difference of two versions' SOP sheets, matched by task id: shared by GET
// /definitions/:key/sop/diff and the modeler page (web/src/sheet-diff.ts), so both say the same. Pure, no imports:
// the web page bundles it as it is.

/** What the diff reads of a sheet row (the SOP sheet JSON's `steps[]`). */
export interface DiffStep {
  no: string;
  elementId: string;
  activity: string;
  actor: { role: string | null; name: string | null };
  requires: string[];
  timeStandard: { text: string; iso: string | null } | null;
  output: string[];
  note: string | null;
  confidential: boolean;
}

/** A column of the sheet that the diff compares, its Indonesian label as the sheet prints it, and its text. */
export interface DiffColumn {
  key: 'no' | 'activity' | 'actor' | 'requires' | 'waktu' | 'output' | 'confidential' | 'note';
  label: string;
  read: (s: DiffStep) => string;
}

export const DIFF_COLUMNS: readonly DiffColumn[] = [
  { key: 'no', label: 'Langkah', read: (s) => s.no },
  { key: 'activity', label: 'Kegiatan', read: (s) => s.activity },
  { key: 'actor', label: 'Pelaksana', read: (s) => s.actor.name ?? s.actor.role ?? '' },
  { key: 'requires', label: 'Kelengkapan', read: (s) => s.requires.join('; ') },
  { key: 'waktu', label: 'Waktu', read: (s) => (s.timeStandard ? `${s.timeStandard.text}${s.timeStandard.iso ? ` (${s.timeStandard.iso})` : ''}` : '') },
  { key: 'output', label: 'Output', read: (s) => s.output.join('; ') },
  { key: 'confidential', label: 'Rahasia', read: (s) => (s.confidential ? 'ya' : '') },
  { key: 'note', label: 'Ket', read: (s) => s.note ?? '' },
];

export type RowKind = 'same' | 'changed' | 'added' | 'removed';

/** One row of the difference: the step before and after (by task id) and the keys of the columns that changed. */
export interface RowDiff<S extends DiffStep = DiffStep> {
  elementId: string;
  kind: RowKind;
  before: S | undefined;
  after: S | undefined;
  changed: Array<DiffColumn['key']>;
}

/**
 * The rows of sheet `b` in its order, each compared with the row of the same task id in `a`; then the rows of `a`
 * that `b` no longer has. An added or removed row counts every column as changed.
 */
export function diffSheets<S extends DiffStep>(a: { steps: readonly S[] }, b: { steps: readonly S[] }): Array<RowDiff<S>> {
  const before = new Map(a.steps.map((s) => [s.elementId, s]));
  const after = new Set(b.steps.map((s) => s.elementId));
  const all = DIFF_COLUMNS.map((c) => c.key);
  const rows: Array<RowDiff<S>> = b.steps.map((s) => {
    const old = before.get(s.elementId);
    if (!old) return { elementId: s.elementId, kind: 'added', before: undefined, after: s, changed: all };
    const changed = DIFF_COLUMNS.filter((c) => c.read(old) !== c.read(s)).map((c) => c.key);
    return { elementId: s.elementId, kind: changed.length ? 'changed' : 'same', before: old, after: s, changed };
  });
  for (const s of a.steps) if (!after.has(s.elementId)) rows.push({ elementId: s.elementId, kind: 'removed', before: s, after: undefined, changed: all });
  return rows;
}

/** The identity block's fields the diff compares, with the sheet's labels. */
export const IDENTITY_LABELS: Readonly<Record<string, string>> = {
  organisation: 'Organisasi',
  unit: 'Unit',
  number: 'Nomor SOP',
  created: 'Tanggal Pembuatan',
  revised: 'Tanggal Revisi',
  effective: 'Tanggal Efektif',
  approvedBy: 'Disahkan Oleh',
  approverTitle: 'Jabatan',
  approverId: 'NIP',
  legalBasis: 'Dasar Hukum',
  qualifications: 'Kualifikasi Pelaksana',
  related: 'Keterkaitan',
  equipment: 'Peralatan/Perlengkapan',
  warnings: 'Peringatan',
  records: 'Pencatatan dan Pendataan',
};

/** A changed field of the identity block: lists are joined with `; `, a missing value is empty text. */
export interface FieldDiff {
  field: string;
  label: string;
  before: string;
  after: string;
}

const fieldText = (v: unknown): string => (Array.isArray(v) ? v.join('; ') : v === null || v === undefined ? '' : String(v));

/** The fields of two identity blocks that differ, in the sheet's order. */
export function diffIdentity(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): FieldDiff[] {
  return Object.entries(IDENTITY_LABELS).flatMap(([field, label]) => {
    const before = fieldText(a[field]);
    const after = fieldText(b[field]);
    return before === after ? [] : [{ field, label, before, after }];
  });
}
