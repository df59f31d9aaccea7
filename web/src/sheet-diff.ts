// The difference between two versions' SOP sheets, row by row (matched by task id), as a table of what changed.
import { h } from './dom.js';
import type { SheetStep, SopSheet } from './types.js';

type Column = { key: string; label: string; read: (s: SheetStep) => string };

export const COLUMNS: Column[] = [
  { key: 'no', label: 'Langkah', read: (s) => s.no },
  { key: 'activity', label: 'Kegiatan', read: (s) => s.activity },
  { key: 'actor', label: 'Pelaksana', read: (s) => s.actor.name ?? s.actor.role ?? '' },
  { key: 'requires', label: 'Kelengkapan', read: (s) => s.requires.join('; ') },
  { key: 'waktu', label: 'Waktu', read: (s) => (s.timeStandard ? `${s.timeStandard.text}${s.timeStandard.iso ? ` (${s.timeStandard.iso})` : ''}` : '') },
  { key: 'output', label: 'Output', read: (s) => s.output.join('; ') },
  { key: 'confidential', label: 'Rahasia', read: (s) => (s.confidential ? 'ya' : '') },
  { key: 'note', label: 'Ket', read: (s) => s.note ?? '' },
];

export interface RowDiff {
  elementId: string;
  kind: 'same' | 'changed' | 'added' | 'removed';
  before: SheetStep | undefined;
  after: SheetStep | undefined;
  changed: string[];
}

export function diffSheets(a: SopSheet, b: SopSheet): RowDiff[] {
  const before = new Map(a.steps.map((s) => [s.elementId, s]));
  const after = new Set(b.steps.map((s) => s.elementId));
  const rows: RowDiff[] = b.steps.map((s) => {
    const old = before.get(s.elementId);
    if (!old) return { elementId: s.elementId, kind: 'added', before: undefined, after: s, changed: COLUMNS.map((c) => c.key) };
    const changed = COLUMNS.filter((c) => c.read(old) !== c.read(s)).map((c) => c.key);
    return { elementId: s.elementId, kind: changed.length ? 'changed' : 'same', before: old, after: s, changed };
  });
  for (const s of a.steps) if (!after.has(s.elementId)) rows.push({ elementId: s.elementId, kind: 'removed', before: s, after: undefined, changed: COLUMNS.map((c) => c.key) });
  return rows;
}

const KIND: Record<RowDiff['kind'], string> = { same: 'sama', changed: 'berubah', added: 'baru', removed: 'dihapus' };

export function diffTable(a: SopSheet, b: SopSheet): HTMLElement {
  const rows = diffSheets(a, b);
  const changes = rows.filter((r) => r.kind !== 'same').length;
  return h(
    'div',
    { class: 'diff' },
    h('p', { id: 'diff-summary' }, changes ? `${changes} baris berbeda antara versi ${a.version} dan versi ${b.version}.` : `Lembar SOP versi ${a.version} dan ${b.version} sama.`),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { id: 'sheet-diff', class: 'grid' },
        h('thead', {}, h('tr', {}, COLUMNS.map((c) => h('th', {}, c.label)), h('th', {}, 'Perubahan'))),
        h(
          'tbody',
          {},
          rows.map((r) =>
            h(
              'tr',
              { class: `diff-${r.kind}`, dataset: { elementId: r.elementId } },
              COLUMNS.map((c) => {
                const old = r.before ? c.read(r.before) : '';
                const now = r.after ? c.read(r.after) : '';
                if (r.kind === 'changed' && r.changed.includes(c.key)) {
                  return h('td', { class: 'cell-changed', dataset: { column: c.key } }, h('del', {}, old || '–'), ' → ', h('ins', {}, now || '–'));
                }
                return h('td', { dataset: { column: c.key } }, r.kind === 'removed' ? old : now);
              }),
              h('td', {}, KIND[r.kind]),
            ),
          ),
        ),
      ),
    ),
  );
}
