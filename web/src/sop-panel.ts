// The properties panel beside the modeler: edits the selected task's sop:mutuBaku and the selected lane's sop:actor
// through bpmn-js's moddle and modeling commands, so every change can be undone and is saved with the diagram.
import { h, replace } from './dom.js';

/** A moddle element as bpmn-js hands it out: typed by `$type`, with its properties as fields. */
export interface ModdleElement {
  $type: string;
  [property: string]: unknown;
}

export interface ShapeLike {
  id: string;
  type: string;
  businessObject: ModdleElement & { name?: string; extensionElements?: ModdleElement & { values?: ModdleElement[] } };
}

export interface ModelerServices {
  moddle: { create(type: string, properties?: Record<string, unknown>): ModdleElement };
  modeling: {
    updateProperties(element: ShapeLike, properties: Record<string, unknown>): void;
    updateModdleProperties(element: ShapeLike, target: ModdleElement, properties: Record<string, unknown>): void;
  };
  eventBus: { on(event: string, callback: (event: { newSelection?: ShapeLike[]; element?: ShapeLike }) => void): void };
  elementRegistry: { get(id: string): ShapeLike | undefined };
}

export type WaktuUnit = '' | 'menit' | 'jam' | 'hari';

const UNIT_TEXT: Record<Exclude<WaktuUnit, ''>, string> = { menit: 'Menit', jam: 'Jam', hari: 'Hari' };

/** The ISO 8601 duration of a picked standard: 45 menit → PT45M, 2 jam → PT2H, 3 hari → P3D. */
export function isoDuration(amount: number, unit: Exclude<WaktuUnit, ''>): string {
  return unit === 'hari' ? `P${amount}D` : `PT${amount}${unit === 'jam' ? 'H' : 'M'}`;
}

/** The picker's reading of a stored duration; anything else (seconds, mixed units) shows as text only. */
export function parseDuration(iso: string | undefined): { amount: number; unit: WaktuUnit } {
  const m = /^P(?:(\d+)D|T(\d+)([HM]))$/.exec(iso ?? '');
  if (!m) return { amount: 0, unit: '' };
  if (m[1]) return { amount: Number(m[1]), unit: 'hari' };
  return { amount: Number(m[2]), unit: m[3] === 'H' ? 'jam' : 'menit' };
}

function extension(bo: ShapeLike['businessObject'], type: string): ModdleElement | undefined {
  return bo.extensionElements?.values?.find((v) => v.$type === type);
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

export class SopPanel {
  readonly root: HTMLElement;
  private current: ShapeLike | null = null;

  constructor(private readonly services: ModelerServices) {
    this.root = h('aside', { id: 'sop-panel', class: 'card sop-panel', 'aria-label': 'Data SOP' });
    services.eventBus.on('selection.changed', (e) => this.show(e.newSelection?.length === 1 ? (e.newSelection[0] ?? null) : null));
    // Undo/redo or a change elsewhere re-reads the element, unless the user is typing in the panel.
    services.eventBus.on('elements.changed', () => {
      if (this.current && !this.root.contains(document.activeElement)) this.show(this.services.elementRegistry.get(this.current.id) ?? null);
    });
    this.show(null);
  }

  show(element: ShapeLike | null): void {
    this.current = element;
    if (element?.type === 'bpmn:UserTask') return this.showTask(element);
    if (element?.type === 'bpmn:Lane') return this.showLane(element);
    replace(
      this.root,
      h('h3', {}, 'Data SOP'),
      h('p', { class: 'muted small' }, 'Pilih sebuah kegiatan (user task) untuk mengubah Langkah, Kelengkapan, Waktu, Output dan Rahasia, atau sebuah lajur untuk Pelaksana dan perannya.'),
    );
  }

  /** Finds or creates the element's extension of `type`, returning it. */
  private ensureExtension(element: ShapeLike, type: string): ModdleElement {
    const { moddle, modeling } = this.services;
    const bo = element.businessObject;
    const found = extension(bo, type);
    if (found) return found;
    let ext = bo.extensionElements;
    if (!ext) {
      ext = moddle.create('bpmn:ExtensionElements', { values: [] }) as NonNullable<typeof ext>;
      modeling.updateProperties(element, { extensionElements: ext });
    }
    const created = moddle.create(type);
    modeling.updateModdleProperties(element, ext, { values: [...(ext.values ?? []), created] });
    return created;
  }

  private setMutuBaku(element: ShapeLike, properties: Record<string, unknown>): void {
    const mb = this.ensureExtension(element, 'sop:MutuBaku');
    this.services.modeling.updateModdleProperties(element, mb, properties);
  }

  private showTask(element: ShapeLike): void {
    const { moddle, modeling } = this.services;
    const bo = element.businessObject;
    const mb = extension(bo, 'sop:MutuBaku');
    const texts = (key: 'requires' | 'output') => ((mb?.[key] as ModdleElement[] | undefined) ?? []).map((x) => String(x.text ?? '')).join('\n');
    const picked = parseDuration(mb?.duration as string | undefined);

    const name = h('textarea', { id: 'sop-name', rows: 2, value: bo.name ?? '' });
    name.addEventListener('change', () => modeling.updateProperties(element, { name: name.value.trim() }));
    const step = h('input', { id: 'sop-step', value: String(mb?.step ?? ''), maxlength: 20 });
    step.addEventListener('change', () => this.setMutuBaku(element, { step: step.value.trim() }));

    const amount = h('input', { id: 'sop-waktu-n', type: 'number', min: 1, step: 1, value: picked.amount || '', 'aria-label': 'Jumlah' });
    const unit = h(
      'select',
      { id: 'sop-waktu-unit', 'aria-label': 'Satuan' },
      (['', 'menit', 'jam', 'hari'] as const).map((u) => h('option', { value: u, ...(u === picked.unit ? { selected: true } : {}) }, u === '' ? 'tidak ditetapkan' : u)),
    );
    const waktuText = h('input', { id: 'sop-waktu-text', value: String(mb?.waktu ?? ''), placeholder: 'teks di lembar SOP, mis. 4-5 Hari' });
    const iso = h('code', { id: 'sop-duration' }, String(mb?.duration ?? '–'));
    const pick = () => {
      const u = unit.value as WaktuUnit;
      const n = Math.round(Number(amount.value));
      if (u === '') {
        this.setMutuBaku(element, { waktu: undefined, duration: undefined });
      } else if (Number.isFinite(n) && n > 0) {
        this.setMutuBaku(element, { waktu: `${n} ${UNIT_TEXT[u]}`, duration: isoDuration(n, u) });
      } else {
        return;
      }
      const updated = extension(bo, 'sop:MutuBaku');
      waktuText.value = String(updated?.waktu ?? '');
      iso.textContent = String(updated?.duration ?? '–');
    };
    amount.addEventListener('change', pick);
    unit.addEventListener('change', pick);
    waktuText.addEventListener('change', () => this.setMutuBaku(element, { waktu: waktuText.value.trim() || undefined }));

    const list = (key: 'requires' | 'output', type: string) => {
      const area = h('textarea', { id: `sop-${key}`, rows: 3, value: texts(key), placeholder: 'satu per baris' });
      area.addEventListener('change', () => this.setMutuBaku(element, { [key]: lines(area.value).map((text) => moddle.create(type, { text })) }));
      return area;
    };
    const confidential = h('input', { id: 'sop-confidential', type: 'checkbox', checked: mb?.confidential === true });
    confidential.addEventListener('change', () => this.setMutuBaku(element, { confidential: confidential.checked || undefined }));
    const note = h('input', { id: 'sop-note', value: String(mb?.note ?? '') });
    note.addEventListener('change', () => this.setMutuBaku(element, { note: note.value.trim() || undefined }));

    replace(
      this.root,
      h('h3', {}, 'Kegiatan ', h('code', {}, element.id)),
      row('Kegiatan', name),
      row('Langkah', step),
      h('div', { class: 'field' }, h('label', { for: 'sop-waktu-n' }, 'Waktu'), h('div', { class: 'inline' }, amount, unit), waktuText, h('small', { class: 'muted' }, 'ISO 8601: ', iso, ' (waktu kerja)')),
      row('Kelengkapan', list('requires', 'sop:Requires')),
      row('Output', list('output', 'sop:Output')),
      h('div', { class: 'field check' }, h('label', { for: 'sop-confidential' }, confidential, ' Rahasia (isi hanya dapat dibaca pencatatnya)')),
      row('Ket', note),
    );
  }

  private showLane(element: ShapeLike): void {
    const { modeling } = this.services;
    const bo = element.businessObject;
    const actor = extension(bo, 'sop:Actor');
    const name = h('input', { id: 'sop-lane-name', value: bo.name ?? '' });
    name.addEventListener('change', () => modeling.updateProperties(element, { name: name.value.trim() }));
    const role = h('input', { id: 'sop-role', value: String(actor?.role ?? ''), placeholder: 'unit/pelaksana, mis. bkd-kalteng/kabid', pattern: '[a-z0-9][a-z0-9/_.-]*' });
    role.addEventListener('change', () => modeling.updateModdleProperties(element, this.ensureExtension(element, 'sop:Actor'), { role: role.value.trim() || undefined }));
    const initiator = h('input', { id: 'sop-initiator', type: 'checkbox', checked: actor?.initiator === true });
    initiator.addEventListener('change', () =>
      modeling.updateModdleProperties(element, this.ensureExtension(element, 'sop:Actor'), { initiator: initiator.checked || undefined }),
    );
    replace(
      this.root,
      h('h3', {}, 'Pelaksana ', h('code', {}, element.id)),
      row('Nama lajur', name),
      row('Peran (role id)', role),
      h('div', { class: 'field check' }, h('label', { for: 'sop-initiator' }, initiator, ' Pemohon (tugasnya hanya untuk yang memulai kasus)')),
    );
  }
}

function row(label: string, input: HTMLElement): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input);
}
