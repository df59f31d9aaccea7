// Modeler (owner): bpmn-js with the sop, camunda and zeebe extensions, the properties panel (bpmn-js-properties-panel with the
// Camunda 7 providers and our SOP group), the form-js editor for a task's form, deploy with the server's problems on the
// elements they name, the version list and the difference between two versions' SOP sheets.
import Modeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule } from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json';
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json';
import { zeebeBesideCamunda } from '../../src/engine/zeebe-descriptor.js';
import sop from '../../src/sop/sop-moddle.json';
import { ApiError, getJson, getText, query, send } from './api.js';
import { h, replace } from './dom.js';
import { errorBox, okBox, problemItem } from './errors.js';
import { formatTime } from './format.js';
import { sopLabeller, type Session } from './session.js';
import { calendarLine, showCalendarWarnings } from './calendar-notice.js';
import { diffTable } from './sheet-diff.js';
import { IndonesianModule } from './modeler-id.js';
import { SopPropertiesProviderModule, type ModelingServices, type ShapeLike } from './sop-properties.js';
import { TaskFormEditor } from './task-form-editor.js';
import { sopSheetButton } from './sop-sheet.js';
import type { DefinitionDetail, SopSheet } from './types.js';

interface DeployResult {
  definitions: Array<{ key: string; version: number }>;
  warnings: Array<{ elementId: string; message: string }>;
}

interface CanvasApi {
  addMarker(id: string, marker: string): void;
  removeMarker(id: string, marker: string): void;
  zoom(level: 'fit-viewport', center?: 'auto'): number;
}

export async function mountModeler(container: HTMLElement, session: Session): Promise<() => void> {
  const owned = session.definitions.filter((d) => session.owns(d));
  const canvasBox = h('div', { class: 'modeler-canvas', id: 'modeler-canvas' });
  const panel = h('aside', { id: 'properties-panel', class: 'card properties-panel', 'aria-label': 'Properti elemen' });
  const modeler = new Modeler({
    container: canvasBox,
    propertiesPanel: { parent: panel },
    additionalModules: [IndonesianModule, BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule, CamundaBehaviorsModule, SopPropertiesProviderModule],
    // zeebe: a Camunda 8 file (assignment, form, schedule) opened here is saved with its zeebe: elements as read.
    moddleExtensions: { sop, camunda, zeebe: zeebeBesideCamunda(zeebe) },
  });
  const services: ModelingServices & { elementRegistry: { get(id: string): ShapeLike | undefined } } = {
    moddle: modeler.get('moddle'),
    modeling: modeler.get('modeling'),
    elementRegistry: modeler.get('elementRegistry'),
  };
  const canvas = modeler.get<CanvasApi>('canvas');
  const selection = modeler.get<{ select(element: unknown): void }>('selection');
  const formEditor = new TaskFormEditor(services, () => fileProcess()?.key ?? (definitionSelect.value || 'form'));
  const editFormButton = h('button', { type: 'button', id: 'edit-form', disabled: true, title: 'Pilih sebuah kegiatan (user task)' }, 'Formulir tugas');
  let selectedTask: ShapeLike | null = null;
  modeler.on('selection.changed', (e: { newSelection?: ShapeLike[] }) => {
    const only = e.newSelection?.length === 1 ? e.newSelection[0] : undefined;
    selectedTask = only?.type === 'bpmn:UserTask' ? only : null;
    editFormButton.disabled = selectedTask === null;
  });
  editFormButton.addEventListener('click', () => {
    if (selectedTask) void formEditor.open(selectedTask).catch((err: unknown) => formEditor.showError(err));
  });
  const notices = h('div', { id: 'modeler-notices', class: 'notices' });
  const calendarWarnings = h('div', { id: 'calendar-warnings' });
  const calendarName = h('span', { id: 'model-calendar', class: 'muted small' });
  const dirty = h('span', { class: 'dirty muted small', id: 'dirty' });
  const definitionSelect = h('select', { id: 'model-definition', 'aria-label': 'SOP' }, owned.map((d) => h('option', { value: d.key }, session.label(d))));
  const versionSelect = h('select', { id: 'model-version', 'aria-label': 'Versi' });
  const versionsBox = h('div', { id: 'versions' });
  const diffA = h('select', { id: 'diff-a', 'aria-label': 'Versi lama' });
  const diffB = h('select', { id: 'diff-b', 'aria-label': 'Versi baru' });
  const diffBox = h('div', { id: 'diff-result' });
  const fileInput = h('input', { type: 'file', id: 'open-file', accept: '.bpmn,.xml,application/xml', class: 'visually-hidden' });
  let marked: Array<[string, string]> = [];
  let detail: DefinitionDetail | null = null;

  modeler.on('commandStack.changed', () => {
    dirty.textContent = 'Ada perubahan yang belum dideploy.';
  });

  function clearMarks(): void {
    for (const [id, marker] of marked) canvas.removeMarker(id, marker);
    marked = [];
  }

  function mark(elementId: string, marker: string): boolean {
    if (!services.elementRegistry.get(elementId)) return false;
    canvas.addMarker(elementId, marker);
    marked.push([elementId, marker]);
    return true;
  }

  async function importXml(xml: string): Promise<void> {
    clearMarks();
    const { warnings } = await modeler.importXML(xml);
    canvas.zoom('fit-viewport', 'auto');
    dirty.textContent = '';
    formEditor.reset();
    if (warnings.length) notices.append(h('div', { class: 'notice' }, `Diagram dibuka dengan ${warnings.length} peringatan impor.`));
  }

  /** The SOP drop-down: the owned SOPs (the key beside a shared name), `key` selected, and a file's new SOP when `unsaved` names it. */
  function renderDefinitions(key: string, unsaved?: { key: string; name: string }): void {
    const label = sopLabeller([...session.definitions, ...owned, ...(unsaved ? [unsaved] : [])]);
    replace(
      definitionSelect,
      owned.map((d) => h('option', { value: d.key }, label(d))),
      unsaved && !owned.some((d) => d.key === unsaved.key) ? h('option', { value: unsaved.key, dataset: { unsaved: 'true' } }, `${label(unsaved)} — belum dideploy`) : null,
    );
    definitionSelect.value = key;
  }

  /** After a file is opened, the drop-downs name its SOP: the version is the file's until it is deployed. */
  async function showFile(fileName: string): Promise<void> {
    const process = fileProcess();
    if (!process) return;
    renderDefinitions(process.key, process);
    replace(versionSelect, h('option', { value: '' }, `berkas ${fileName} (belum dideploy)`));
    detail = owned.some((d) => d.key === process.key) ? await getJson<DefinitionDetail>(`/definitions/${encodeURIComponent(process.key)}`) : null;
    if (detail) renderVersions(process.key, 0, false);
    else replace(versionsBox, h('p', { class: 'muted' }, 'SOP ini belum pernah dideploy.'));
  }

  /** The key (process id) and name of the diagram on the canvas: its executable process, else its first process. */
  function fileProcess(): { key: string; name: string } | null {
    const definitions = modeler.getDefinitions() as { rootElements?: Array<{ $type: string; id?: string; name?: string; isExecutable?: boolean }> } | undefined;
    const processes = (definitions?.rootElements ?? []).filter((e) => e.$type === 'bpmn:Process' && e.id);
    const process = processes.find((p) => p.isExecutable) ?? processes[0];
    return process?.id ? { key: process.id, name: process.name ?? process.id } : null;
  }

  async function loadDefinition(key: string, version?: number): Promise<void> {
    replace(notices);
    renderDefinitions(key);
    detail = await getJson<DefinitionDetail>(`/definitions/${encodeURIComponent(key)}${query({ version })}`);
    const latest = detail.versions.at(-1)?.version ?? detail.version;
    const shown = version ?? latest;
    calendarName.textContent = calendarLine(detail);
    await importXml(await getText(`/definitions/${encodeURIComponent(key)}/xml?version=${shown}`));
    renderVersions(key, shown);
  }

  /** Who or what deployed a version: the user (through the API or this page), or the file deployed at start. */
  function versionSource(v: DefinitionDetail['versions'][number]): string {
    if (v.deployedBy) return `oleh ${v.deployedBy.name}`;
    return v.source === null ? '—' : v.source === 'api' ? 'lewat API' : `berkas ${v.source}`;
  }

  /** A version's lifecycle in the SOP's words: in force, scheduled from its Tanggal Efektif, replaced; and whether it is suspended. */
  function versionStatus(v: DefinitionDetail['versions'][number]): string {
    const status = v.status === 'current' ? 'berlaku' : v.status === 'scheduled' ? `terjadwal, berlaku ${v.effective ?? ''}` : 'digantikan';
    return v.suspendedAt ? `${status} · ditangguhkan` : status;
  }

  /** The version drop-down (unless `select` is false: a file is shown), the version list and the comparison's choices. */
  function renderVersions(key: string, shown: number, select = true): void {
    if (!detail) return;
    const versions = detail.versions;
    if (select) replace(versionSelect, [...versions].reverse().map((v) => h('option', { value: v.version, ...(v.version === shown ? { selected: true } : {}) }, `versi ${v.version}`)));
    const options = (selected: number) => [...versions].reverse().map((v) => h('option', { value: v.version, ...(v.version === selected ? { selected: true } : {}) }, `versi ${v.version}`));
    const last = versions.at(-1)?.version ?? 1;
    replace(diffA, options(Math.max(1, last - 1)));
    replace(diffB, options(last));
    replace(
      versionsBox,
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'grid', id: 'version-list' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Versi'), h('th', {}, 'Status'), h('th', {}, 'Dideploy'), h('th', {}, 'Sumber'), h('th', {}, 'Sidik (SHA-256)'), h('th', {}, ''))),
          h(
            'tbody',
            {},
            [...versions].reverse().map((v) =>
              h(
                'tr',
                { dataset: { version: String(v.version) }, class: v.version === shown ? 'shown' : '' },
                h('td', {}, `${v.version}`),
                h('td', { class: 'version-status' }, versionStatus(v)),
                h('td', {}, formatTime(v.deployedAt, session.timeZone(key))),
                h('td', { class: 'version-source' }, versionSource(v)),
                h('td', {}, h('code', { title: v.hash }, v.hash.slice(0, 12))),
                h('td', {}, v.version === shown ? 'dibuka' : h('button', { type: 'button', class: 'link', on: { click: () => void loadDefinition(key, v.version).catch(show) } }, 'Buka')),
              ),
            ),
          ),
        ),
      ),
    );
    replace(diffBox);
  }

  function show(err: unknown): void {
    replace(notices, errorBox(err));
  }

  async function deploy(): Promise<void> {
    clearMarks();
    replace(notices);
    const button = container.querySelector<HTMLButtonElement>('#deploy');
    if (button) button.disabled = true;
    try {
      // Forms first: the diagram's version fixes the latest version of each form it links.
      const forms = await formEditor.deployForms();
      const { xml } = await modeler.saveXML({ format: true });
      const { status, json } = await send<DeployResult>('POST', '/definitions', { raw: xml ?? '', contentType: 'application/xml' });
      const deployed = json.definitions[0];
      const message =
        status === 201 && deployed ? `Versi ${deployed.version} dari ${deployed.key} dideploy.` : `Tidak ada perubahan: diagram sama dengan versi terakhir${deployed ? ` (versi ${deployed.version})` : ''}.`;
      if (deployed) {
        // A new SOP (opened from a file) joins the list.
        if (!owned.some((d) => d.key === deployed.key)) owned.push(await getJson<DefinitionDetail>(`/definitions/${encodeURIComponent(deployed.key)}`));
        await loadDefinition(deployed.key);
      }
      notices.append(okBox(message));
      if (forms.length) notices.append(okBox(`Formulir dideploy: ${forms.map((f) => `${f.formId} versi ${f.version}`).join(', ')}.`));
      if (json.warnings.length) {
        notices.append(
          h(
            'div',
            { class: 'notice warn', id: 'deploy-warnings' },
            h('strong', {}, 'Peringatan:'),
            h('ul', {}, json.warnings.map(problemItem)),
          ),
        );
        for (const w of json.warnings) mark(w.elementId, 'sop-warning');
      }
    } catch (err) {
      const box = errorBox(err, 'Deploy ditolak');
      box.id = 'deploy-error';
      replace(notices, box);
      if (err instanceof ApiError) {
        for (const id of new Set((err.body.details?.problems ?? []).map((p) => p.elementId))) mark(id, 'sop-problem');
        // Each problem naming an element on the canvas gets a link that selects it.
        for (const li of box.querySelectorAll<HTMLElement>('li[data-element-id]')) {
          const id = li.dataset.elementId ?? '';
          if (services.elementRegistry.get(id)) li.append(' ', h('button', { type: 'button', class: 'link', on: { click: () => selection.select(services.elementRegistry.get(id)) } }, 'tunjukkan'));
        }
      }
    } finally {
      if (button) button.disabled = false;
    }
  }

  async function download(): Promise<void> {
    const { xml } = await modeler.saveXML({ format: true });
    const url = URL.createObjectURL(new Blob([xml ?? ''], { type: 'application/xml' }));
    const a = h('a', { href: url, download: `${definitionSelect.value || 'diagram'}.bpmn` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  async function compare(): Promise<void> {
    const key = definitionSelect.value;
    try {
      const [a, b] = await Promise.all([
        getJson<SopSheet>(`/definitions/${encodeURIComponent(key)}/sop?version=${diffA.value}`),
        getJson<SopSheet>(`/definitions/${encodeURIComponent(key)}/sop?version=${diffB.value}`),
      ]);
      replace(diffBox, diffTable(a, b));
    } catch (err) {
      replace(diffBox, errorBox(err, 'Lembar SOP tidak dapat dibandingkan'));
    }
  }

  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    void file
      .text()
      .then(importXml)
      .then(() => showFile(file.name))
      .then(() => {
        replace(notices, okBox(`Berkas ${file.name} dibuka. Deploy untuk menjadikannya versi baru.`));
        dirty.textContent = 'Ada perubahan yang belum dideploy.';
      })
      .catch((err: unknown) => replace(notices, errorBox(err, 'Berkas tidak dapat dibuka')))
      .finally(() => (fileInput.value = ''));
  });
  definitionSelect.addEventListener('change', () => void loadDefinition(definitionSelect.value).catch(show));
  versionSelect.addEventListener('change', () => void loadDefinition(definitionSelect.value, Number(versionSelect.value)).catch(show));

  replace(
    container,
    h(
      'div',
      { class: 'modeler' },
      h(
        'div',
        { class: 'toolbar card' },
        h('label', { for: 'model-definition' }, 'SOP'),
        definitionSelect,
        versionSelect,
        sopSheetButton('sop-sheet', () => (definitionSelect.value ? { key: definitionSelect.value, version: Number(versionSelect.value) || undefined } : null), notices),
        h('button', { type: 'button', class: 'primary', id: 'deploy', on: { click: () => void deploy() } }, 'Deploy versi baru'),
        h('label', { class: 'button', for: 'open-file' }, 'Buka berkas .bpmn'),
        fileInput,
        h('button', { type: 'button', id: 'download', on: { click: () => void download() } }, 'Unduh .bpmn'),
        editFormButton,
        dirty,
        calendarName,
      ),
      calendarWarnings,
      notices,
      h(
        'div',
        { class: 'modeler-split' },
        h('div', { class: 'card canvas-card' }, canvasBox, h('p', { class: 'narrow-only muted small' }, 'Di layar sempit palet disembunyikan: pilih elemen untuk mengubah data SOP-nya.')),
        panel,
      ),
      formEditor.root,
      h(
        'section',
        { class: 'card versions' },
        h('h3', {}, 'Versi'),
        versionsBox,
        h(
          'div',
          { class: 'toolbar compare' },
          h('span', {}, 'Bandingkan lembar SOP'),
          diffA,
          h('span', {}, 'dengan'),
          diffB,
          h('button', { type: 'button', id: 'diff-run', on: { click: () => void compare() } }, 'Bandingkan'),
        ),
        diffBox,
      ),
    ),
  );

  void showCalendarWarnings(calendarWarnings);
  const first = owned[0];
  if (first) await loadDefinition(first.key);
  else notices.append(h('div', { class: 'notice' }, 'Belum ada SOP di unit Anda. Buka berkas .bpmn lalu deploy.'));
  return () => {
    formEditor.destroy();
    modeler.destroy();
  };
}
