// Audit dashboard (auditor): per SOP, the diagram with each step coloured by compliance (heat map) and its
// median/p90 against the standard on hover; the breach list; CSV/XES export; the audit chain's verification.
import { ApiError, getBlob, getJson, getText, query } from './api.js';
import { DiagramView, definitionXml, type RegistryElement } from './diagram.js';
import { h, legend, replace } from './dom.js';
import { errorBox } from './errors.js';
import { formatMs, formatTime, percent } from './format.js';
import { sopSheetButton } from './sop-sheet.js';
import type { Session } from './session.js';
import { calendarLine, showCalendarWarnings } from './calendar-notice.js';
import type { Breach, DefinitionDetail, Page, ReportRow, SheetStep, SopSheet } from './types.js';

export type Heat = 'heat-ok' | 'heat-warn' | 'heat-breach' | 'heat-none';

/** The colour of a step: red when under 80 % of its executions met the standard or one is overdue now, amber under 100 %. */
export function heatOf(row: ReportRow | undefined, openBreaches: number): Heat {
  if (openBreaches > 0) return 'heat-breach';
  if (!row || row.compliance === null) return 'heat-none';
  if (row.compliance >= 1) return 'heat-ok';
  return row.compliance >= 0.8 ? 'heat-warn' : 'heat-breach';
}

const HEAT_LABEL: Record<Heat, string> = { 'heat-ok': 'patuh', 'heat-warn': 'sebagian terlambat', 'heat-breach': 'Terlambat', 'heat-none': 'belum ada data' };

/**
 * A step's standard in one wording across the dashboard: the SOP sheet's own Waktu ("30 Menit", "1 Hari") for the
 * version shown, else the standard its executions were measured against.
 */
export function standardText(sheetStep: SheetStep | undefined, row: ReportRow | undefined): string | null {
  if (sheetStep?.timeStandard?.text) return sheetStep.timeStandard.text;
  return row?.standardMs != null ? formatMs(row.standardMs) : null;
}

export async function mountAudit(container: HTMLElement, session: Session): Promise<() => void> {
  const audited = session.definitions.filter((d) => session.audits(d));
  const definitionSelect = h('select', { id: 'audit-definition', 'aria-label': 'SOP' }, audited.map((d) => h('option', { value: d.key }, session.label(d))));
  const versionSelect = h('select', { id: 'audit-version', 'aria-label': 'Versi' });
  const chain = h('span', { id: 'chain-status', class: 'chain' }, 'Memeriksa rantai audit…');
  const notices = h('div', { class: 'notices' });
  const calendarWarnings = h('div', { id: 'calendar-warnings' });
  const calendarName = h('span', { id: 'audit-calendar', class: 'muted small' });
  const diagramBox = h('div', { class: 'diagram heat', id: 'audit-diagram' });
  const diagram = new DiagramView(diagramBox);
  const info = h('div', { id: 'heat-info', class: 'heat-info muted small' }, 'Arahkan penunjuk ke sebuah langkah untuk melihat median dan P90 terhadap standarnya.');
  const stepsBox = h('div', { id: 'step-stats', class: 'table-scroll' });
  const breachesBox = h('div', { id: 'breaches-box', class: 'table-scroll' });
  const describe = new Map<string, HTMLElement>();
  let loads = 0;

  diagram.events.on('element.hover', (e) => {
    const text = describe.get(e.element.id);
    if (text) replace(info, text.cloneNode(true));
  });

  async function exportAs(format: 'csv' | 'xes'): Promise<void> {
    try {
      const { blob, filename } = await getBlob(`/audit/export${query({ format, definitionKey: definitionSelect.value })}`);
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: filename ?? `audit.${format}` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      replace(notices, errorBox(err, 'Ekspor gagal'));
    }
  }

  async function verifyChain(): Promise<void> {
    chain.className = 'chain';
    try {
      const result = await getJson<{ ok: boolean; events: number; brokenAt?: number }>('/audit/verify');
      chain.classList.add(result.ok ? 'chain-ok' : 'chain-broken');
      chain.textContent = result.ok ? `Rantai audit utuh: ${result.events} peristiwa terverifikasi` : `Rantai audit RUSAK pada peristiwa #${result.brokenAt ?? '?'}`;
    } catch (err) {
      chain.classList.add('chain-unknown');
      chain.textContent =
        err instanceof ApiError && err.status === 403 ? 'Verifikasi rantai memerlukan peran auditor' : `Rantai tidak dapat diperiksa: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  /**
   * The version the dashboard opens on: the newest with completed executions or open breaches, so an SOP whose
   * newest version has no case yet still shows its data; the newest when no version has any.
   */
  async function versionWithData(key: string, latest: number): Promise<number> {
    const [report, breaches] = await Promise.all([
      getJson<{ rows: ReportRow[] }>(`/audit/report${query({ definitionKey: key, groupBy: 'step' })}`),
      getJson<Page<Breach>>(`/audit/breaches${query({ definitionKey: key, limit: 200 })}`),
    ]);
    const versions = [...report.rows.map((r) => r.version), ...breaches.items.filter((b) => b.open).map((b) => b.version)];
    return versions.length ? Math.max(...versions) : latest;
  }

  async function load(key: string, version?: number): Promise<void> {
    // A quicker choice made meanwhile (another SOP, another version) wins: an older load draws nothing.
    const generation = ++loads;
    const detail = await getJson<DefinitionDetail>(`/definitions/${encodeURIComponent(key)}${query({ version })}`);
    const shown = version ?? (await versionWithData(key, detail.version));
    calendarName.textContent = calendarLine(detail);
    const [report, breaches, sheet] = await Promise.all([
      getJson<{ rows: ReportRow[] }>(`/audit/report${query({ definitionKey: key, version: shown, groupBy: 'step' })}`),
      getJson<Page<Breach>>(`/audit/breaches${query({ definitionKey: key, limit: 200 })}`),
      // The sheet names every step's Langkah and Pelaksana, also those with no execution yet.
      getJson<SopSheet>(`/definitions/${encodeURIComponent(key)}/sop?version=${shown}`),
    ]);
    if (generation !== loads) return;
    await diagram.show(`${key}@${shown}`, () => definitionXml(key, shown, getText));
    if (generation !== loads) return;
    replace(notices);
    if (shown !== detail.version) {
      notices.append(h('div', { class: 'notice', role: 'status', id: 'version-note' }, `Versi ${detail.version} belum punya data; ditampilkan versi ${shown}, versi terbaru yang punya data.`));
    }
    replace(
      versionSelect,
      [...detail.versions].reverse().map((v) => h('option', { value: v.version, ...(v.version === shown ? { selected: true } : {}) }, `versi ${v.version}`)),
    );
    const tz = session.timeZone(key);
    const sheetSteps = new Map(sheet.steps.map((st) => [st.elementId, st]));
    const rows = new Map(report.rows.map((r) => [r.elementId ?? '', r]));
    const openByStep = new Map<string, number>();
    for (const b of breaches.items) if (b.open && b.version === shown) openByStep.set(b.elementId, (openByStep.get(b.elementId) ?? 0) + 1);

    diagram.clearMarks();
    diagram.overlays.remove({ type: 'heat' });
    describe.clear();
    const tasks = diagram.registry.filter((e: RegistryElement) => e.type === 'bpmn:UserTask' || e.type === 'bpmn:ManualTask');
    const table: HTMLElement[] = [];
    for (const element of tasks) {
      const row = rows.get(element.id);
      const sheetStep = sheetSteps.get(element.id);
      const stepNo = sheetStep?.no ?? row?.step ?? '';
      const actor = sheetStep?.actor.name ?? session.roleName(row?.role ?? sheetStep?.actor.role ?? null);
      const open = openByStep.get(element.id) ?? 0;
      const heat = heatOf(row, open);
      diagram.mark(element.id, heat);
      const standard = standardText(sheetStep, row);
      const summary = row
        ? `Median ${formatMs(row.medianMs)} · P90 ${formatMs(row.p90Ms)} · Standar ${standard ?? 'tidak ditetapkan'} · ${row.count} selesai, ${row.breaches} melewati standar`
        : 'Belum ada eksekusi yang selesai';
      const title = `${stepNo ? `Langkah ${stepNo}: ` : ''}${element.businessObject.name ?? element.id} (${actor})`;
      describe.set(
        element.id,
        h('div', {}, h('strong', {}, title), h('br'), summary, open ? h('span', { class: 'badge late' }, `${open} masih terlambat`) : null, h('span', { class: `badge ${heat}` }, HEAT_LABEL[heat])),
      );
      if (row || open) {
        diagram.overlays.add(element.id, 'heat', {
          position: { bottom: 14, left: -6 },
          html: h('div', { class: `heat-badge ${heat}`, title: summary, dataset: { elementId: element.id } }, row ? percent(row.compliance) : `${open}!`),
        });
      }
      table.push(
        h(
          'tr',
          { class: heat, dataset: { elementId: element.id } },
          h('td', {}, stepNo),
          h('td', {}, element.businessObject.name ?? element.id),
          h('td', {}, actor),
          h('td', {}, row ? String(row.count) : '0'),
          h('td', {}, row ? formatMs(row.medianMs) : '–'),
          h('td', {}, row ? formatMs(row.p90Ms) : '–'),
          h('td', {}, standard ?? '–'),
          h('td', { class: 'heat-cell' }, row ? percent(row.compliance) : '–'),
          h('td', {}, row ? String(row.breaches) : '0', open ? ` + ${open} terbuka` : ''),
        ),
      );
    }
    replace(
      stepsBox,
      h(
        'table',
        { class: 'grid', id: 'step-table' },
        h('thead', {}, h('tr', {}, ['Langkah', 'Kegiatan', 'Pelaksana', 'Selesai', 'Median', 'P90', 'Standar', 'Kepatuhan', 'Melewati'].map((c) => h('th', {}, c)))),
        h('tbody', {}, table),
      ),
    );
    replace(
      breachesBox,
      breaches.items.length
        ? h(
            'table',
            { class: 'grid', id: 'breach-table' },
            h('thead', {}, h('tr', {}, ['Langkah', 'Kegiatan', 'Pelaksana', 'Versi', 'Batas waktu', 'Selesai', 'Terlambat', 'Status'].map((c) => h('th', {}, c)))),
            h(
              'tbody',
              {},
              breaches.items.map((b) =>
                h(
                  'tr',
                  { dataset: { taskId: b.taskId, elementId: b.elementId }, class: b.open ? 'open' : '' },
                  h('td', {}, b.step ?? ''),
                  h('td', {}, b.name ?? b.elementId),
                  h('td', {}, session.roleName(b.role)),
                  h('td', {}, String(b.version)),
                  h('td', {}, formatTime(b.dueAt, tz)),
                  h('td', {}, formatTime(b.completedAt, tz)),
                  h('td', { class: 'late-text' }, formatMs(b.overdueMs)),
                  h('td', {}, b.open ? 'Masih terbuka' : 'Selesai'),
                ),
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'Tidak ada langkah yang melewati standar waktunya.'),
      breaches.nextCursor ? h('p', { class: 'muted small' }, 'Hanya 200 pelanggaran terbaru yang ditampilkan; unduh CSV untuk semuanya.') : null,
    );
  }

  /** Loads the chosen SOP at `version` (undefined: the newest with data) and checks the chain again. */
  const showVersion = (version: number | undefined) =>
    Promise.all([load(definitionSelect.value, version), verifyChain()]).catch((err: unknown) => replace(notices, errorBox(err, 'Data audit tidak dapat dimuat')));
  const reload = () => showVersion(Number(versionSelect.value) || undefined);
  definitionSelect.addEventListener('change', () => void showVersion(undefined));
  versionSelect.addEventListener('change', () => void reload());

  replace(
    container,
    h(
      'div',
      { class: 'audit' },
      h(
        'div',
        { class: 'toolbar card' },
        h('label', { for: 'audit-definition' }, 'SOP'),
        definitionSelect,
        versionSelect,
        sopSheetButton('sop-sheet', () => (definitionSelect.value ? { key: definitionSelect.value, version: Number(versionSelect.value) || undefined } : null), notices),
        h('button', { type: 'button', id: 'audit-refresh', on: { click: () => void reload() } }, 'Muat ulang'),
        h('button', { type: 'button', id: 'export-csv', on: { click: () => void exportAs('csv') } }, 'Unduh CSV'),
        h('button', { type: 'button', id: 'export-xes', on: { click: () => void exportAs('xes') } }, 'Unduh XES'),
        chain,
        calendarName,
      ),
      calendarWarnings,
      notices,
      h(
        'section',
        { class: 'card' },
        h('h3', {}, 'Peta kepatuhan waktu per langkah'),
        diagramBox,
        legend([
          ['heat-ok', 'semua dalam standar'],
          ['heat-warn', '≥ 80% dalam standar'],
          ['heat-breach', '< 80% atau masih terlambat'],
          ['heat-none', 'belum ada data'],
        ]),
        info,
      ),
      h('div', { class: 'audit-split' }, h('section', { class: 'card' }, h('h3', {}, 'Kepatuhan per langkah'), stepsBox), h('section', { class: 'card' }, h('h3', {}, 'Pelanggaran standar waktu'), breachesBox)),
    ),
  );

  void showCalendarWarnings(calendarWarnings);
  if (audited.length === 0) {
    replace(notices, h('div', { class: 'notice' }, 'Tidak ada SOP dalam unit audit Anda.'));
  } else {
    await reload();
  }
  return () => diagram.viewer.destroy();
}
