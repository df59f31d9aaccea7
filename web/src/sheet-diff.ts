// The difference between two versions' SOP sheets, row by row (matched by task id), as a table of what changed; the
// difference itself is the service's (src/sop/sheet-diff.ts), so the page and GET /definitions/:key/sop/diff agree.
import { h } from './dom.js';
import { DIFF_COLUMNS as COLUMNS, diffSheets } from '../../src/sop/sheet-diff.js';
import type { RowKind } from '../../src/sop/sheet-diff.js';
import type { SopSheet } from './types.js';

const KIND: Record<RowKind, string> = { same: 'sama', changed: 'berubah', added: 'baru', removed: 'dihapus' };

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
