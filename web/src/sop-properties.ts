// The SOP group of the modeler's properties panel (bpmn-js-properties-panel): a user task's mutu baku (Langkah, Waktu,
// Kelengkapan, Output, Rahasia, Mulai dijadwalkan, Ket) and its sop:form fields (as JSON), a lane's sop:actor. Every change goes
// through bpmn-js's modeling commands, so it can be undone and is saved with the diagram.
import { CheckboxEntry, SelectEntry, TextAreaEntry, TextFieldEntry, isCheckboxEntryEdited, isSelectEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { useService } from 'bpmn-js-properties-panel';

/** A moddle element as bpmn-js hands it out: typed by `$type`, with its properties as fields. */
export interface ModdleElement {
  $type: string;
  [property: string]: unknown;
}

/** A diagram element (shape) with its BPMN business object. */
export interface ShapeLike {
  id: string;
  type: string;
  businessObject: ModdleElement & { name?: string; extensionElements?: ModdleElement & { values?: ModdleElement[] } };
}

/** The bpmn-js services the SOP entries change the diagram through. */
export interface ModelingServices {
  moddle: { create(type: string, properties?: Record<string, unknown>): ModdleElement };
  modeling: {
    updateProperties(element: ShapeLike, properties: Record<string, unknown>): void;
    updateModdleProperties(element: ShapeLike, target: ModdleElement, properties: Record<string, unknown>): void;
  };
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

/** The element's extension element of `type` (sop:MutuBaku, sop:Actor, sop:Form), if it has one. */
export function extension(element: ShapeLike, type: string): ModdleElement | undefined {
  return element.businessObject.extensionElements?.values?.find((v) => v.$type === type);
}

/** Finds or creates the element's extension of `type` through modeling commands, returning it. */
export function ensureExtension(services: ModelingServices, element: ShapeLike, type: string): ModdleElement {
  const { moddle, modeling } = services;
  const found = extension(element, type);
  if (found) return found;
  let ext = element.businessObject.extensionElements;
  if (!ext) {
    ext = moddle.create('bpmn:ExtensionElements', { values: [] }) as NonNullable<typeof ext>;
    modeling.updateProperties(element, { extensionElements: ext });
  }
  const created = moddle.create(type);
  modeling.updateModdleProperties(element, ext, { values: [...(ext.values ?? []), created] });
  return created;
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

const blank = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

type Services = ModelingServices & { debounce: (fn: (value: unknown) => void) => (value: unknown) => void };

function useModeling(): Services {
  return { moddle: useService('moddle'), modeling: useService('modeling'), debounce: useService('debounceInput') };
}

/** Sets properties of the task's sop:MutuBaku, creating it when missing. */
function setMutuBaku(services: ModelingServices, element: ShapeLike, properties: Record<string, unknown>): void {
  services.modeling.updateModdleProperties(element, ensureExtension(services, element, 'sop:MutuBaku'), properties);
}

const mutuBaku = (element: ShapeLike, key: string): unknown => extension(element, 'sop:MutuBaku')?.[key];

/** A text field bound to one sop:MutuBaku attribute (undefined when emptied, so the attribute goes). */
function mutuText(key: string, label: string, description?: string) {
  return function MutuText(props: { element: ShapeLike; id: string }) {
    const services = useModeling();
    return h(TextFieldEntry, {
      element: props.element,
      id: props.id,
      label,
      description,
      debounce: services.debounce,
      getValue: () => String(mutuBaku(props.element, key) ?? ''),
      setValue: (value: unknown) => setMutuBaku(services, props.element, { [key]: blank(value) }),
    });
  };
}

/** A text area of one line per entry, bound to sop:Requires or sop:Output children. */
function mutuList(key: 'requires' | 'output', type: string, label: string) {
  return function MutuList(props: { element: ShapeLike; id: string }) {
    const services = useModeling();
    return h(TextAreaEntry, {
      element: props.element,
      id: props.id,
      label,
      description: 'satu per baris',
      rows: 3,
      debounce: services.debounce,
      getValue: () => ((mutuBaku(props.element, key) as ModdleElement[] | undefined) ?? []).map((x) => String(x.text ?? '')).join('\n'),
      setValue: (value: unknown) => setMutuBaku(services, props.element, { [key]: lines(String(value ?? '')).map((text) => services.moddle.create(type, { text })) }),
    });
  };
}

/** The amount of the time standard: with the unit it sets both sop:waktu (sheet text) and sop:duration (ISO 8601). */
function WaktuAmount(props: { element: ShapeLike; id: string }) {
  const services = useModeling();
  return h(TextFieldEntry, {
    element: props.element,
    id: props.id,
    label: 'Waktu (jumlah)',
    debounce: services.debounce,
    validate: (value: unknown) => (blank(value) === undefined || /^[1-9]\d{0,4}$/.test(String(value).trim()) ? null : 'Isi bilangan bulat positif.'),
    getValue: () => {
      const picked = parseDuration(mutuBaku(props.element, 'duration') as string | undefined);
      return picked.amount ? String(picked.amount) : '';
    },
    setValue: (value: unknown, error?: string | null) => {
      const n = Number(blank(value));
      if (error) return;
      if (!Number.isSafeInteger(n) || n <= 0) return;
      const unit = parseDuration(mutuBaku(props.element, 'duration') as string | undefined).unit || 'hari';
      setMutuBaku(services, props.element, { waktu: `${n} ${UNIT_TEXT[unit]}`, duration: isoDuration(n, unit) });
    },
  });
}

function WaktuUnitEntry(props: { element: ShapeLike; id: string }) {
  const services = useModeling();
  const duration = mutuBaku(props.element, 'duration') as string | undefined;
  return h(SelectEntry, {
    element: props.element,
    id: props.id,
    label: 'Waktu (satuan)',
    description: `ISO 8601: ${duration ?? '–'} (waktu kerja)`,
    getOptions: () => (['', 'menit', 'jam', 'hari'] as const).map((u) => ({ value: u, label: u === '' ? 'tidak ditetapkan' : u })),
    getValue: () => parseDuration(duration).unit,
    setValue: (value: unknown) => {
      const unit = String(value ?? '') as WaktuUnit;
      const amount = parseDuration(mutuBaku(props.element, 'duration') as string | undefined).amount || 1;
      if (unit === '') setMutuBaku(services, props.element, { waktu: undefined, duration: undefined });
      else setMutuBaku(services, props.element, { waktu: `${amount} ${UNIT_TEXT[unit]}`, duration: isoDuration(amount, unit) });
    },
  });
}

function Confidential(props: { element: ShapeLike; id: string }) {
  const services = useModeling();
  return h(CheckboxEntry, {
    element: props.element,
    id: props.id,
    label: 'Rahasia (isi hanya dapat dibaca pencatatnya)',
    getValue: () => mutuBaku(props.element, 'confidential') === true,
    setValue: (value: unknown) => setMutuBaku(services, props.element, { confidential: value ? true : undefined }),
  });
}

/** A sop:form field as the SOP group edits it (JSON), the attributes of sop:field and its sop:option children. */
export interface SopFormField {
  name: string;
  type?: string;
  label?: string;
  required?: boolean;
  slots?: string;
  options?: Array<{ value: string; label?: string; when?: string }>;
}

const FIELD_TYPES = new Set(['string', 'number', 'boolean', 'enum', 'date', 'datetime']);

/** The task's sop:form fields as JSON (attributes left out when unset); '' when it has none. */
export function sopFormJson(element: ShapeLike): string {
  const fields = (extension(element, 'sop:Form')?.fields as ModdleElement[] | undefined) ?? [];
  if (fields.length === 0) return '';
  const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const json = fields.map((f) =>
    defined({
      name: f.name,
      type: f.type,
      label: f.label,
      required: f.required,
      slots: f.slots,
      options: ((f.options as ModdleElement[] | undefined) ?? []).length ? (f.options as ModdleElement[]).map((o) => defined({ value: o.value, label: o.label, when: o.when })) : undefined,
    }),
  );
  return JSON.stringify(json, null, 2);
}

/** Why a text is not a list of sop:form fields (Indonesian, for the entry), or null when it is one (or empty). */
export function sopFormProblem(text: string): string | null {
  if (text.trim() === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'Bukan JSON yang sah.';
  }
  if (!Array.isArray(parsed)) return 'Harus daftar JSON: [{"name": …, "type": …}, …].';
  for (const [i, f] of (parsed as unknown[]).entries()) {
    const field = f as Partial<SopFormField> | null;
    if (typeof field !== 'object' || field === null || typeof field.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(field.name)) return `Isian ke-${i + 1}: "name" harus nama variabel (huruf, angka, _).`;
    if (field.type !== undefined && !FIELD_TYPES.has(field.type)) return `Isian ${field.name}: "type" salah satu dari ${[...FIELD_TYPES].join(', ')}.`;
    if (field.options !== undefined && (!Array.isArray(field.options) || field.options.some((o) => typeof o?.value !== 'string'))) return `Isian ${field.name}: "options" daftar {"value": …, "label": …}.`;
  }
  return null;
}

/** Replaces the task's sop:form with the fields of a checked JSON text (no sop:form when it is empty). */
function setSopForm(services: ModelingServices, element: ShapeLike, text: string): void {
  const { moddle, modeling } = services;
  const fields = text.trim() === '' ? [] : (JSON.parse(text) as SopFormField[]);
  const ext = element.businessObject.extensionElements;
  if (fields.length === 0) {
    if (ext) modeling.updateModdleProperties(element, ext, { values: (ext.values ?? []).filter((v) => v.$type !== 'sop:Form') });
    return;
  }
  const created = fields.map((f) =>
    moddle.create('sop:Field', {
      name: f.name,
      type: f.type ?? 'string',
      label: f.label,
      required: f.required === true ? true : undefined,
      slots: f.slots,
      options: (f.options ?? []).map((o) => moddle.create('sop:Option', { value: o.value, label: o.label, when: o.when })),
    }),
  );
  modeling.updateModdleProperties(element, ensureExtension(services, element, 'sop:Form'), { fields: created });
}

/** The task's sop:form fields, edited as JSON; a Camunda form is built with the form editor (*Formulir tugas*). */
function SopForm(props: { element: ShapeLike; id: string }) {
  const services = useModeling();
  return h(TextAreaEntry, {
    element: props.element,
    id: props.id,
    label: 'Isian sop:form (JSON)',
    description: 'mis. [{"name": "setuju", "type": "boolean", "label": "Setuju?", "required": true}]; jenis: string, number, boolean, enum (dengan options), date, datetime (dengan slots). Formulir form-js disusun dengan tombol "Formulir tugas".',
    rows: 4,
    monospace: true,
    autoResize: true,
    debounce: services.debounce,
    validate: (value: unknown) => sopFormProblem(String(value ?? '')),
    getValue: () => sopFormJson(props.element),
    setValue: (value: unknown, error?: string | null) => {
      if (!error) setSopForm(services, props.element, String(value ?? ''));
    },
  });
}

function LaneRole(props: { element: ShapeLike; id: string }) {
  const services = useModeling();
  return h(TextFieldEntry, {
    element: props.element,
    id: props.id,
    label: 'Peran (role id)',
    description: 'unit/pelaksana, mis. bkd-kalteng/kabid',
    debounce: services.debounce,
    validate: (value: unknown) => (blank(value) === undefined || /^[a-z0-9][a-z0-9/_.-]*$/.test(String(value).trim()) ? null : 'Huruf kecil, angka, / _ . - saja.'),
    getValue: () => String(extension(props.element, 'sop:Actor')?.role ?? ''),
    setValue: (value: unknown, error?: string | null) => {
      if (!error) services.modeling.updateModdleProperties(props.element, ensureExtension(services, props.element, 'sop:Actor'), { role: blank(value) });
    },
  });
}

function LaneInitiator(props: { element: ShapeLike; id: string }) {
  const services = useModeling();
  return h(CheckboxEntry, {
    element: props.element,
    id: props.id,
    label: 'Pemohon (tugasnya hanya untuk yang memulai kasus)',
    getValue: () => extension(props.element, 'sop:Actor')?.initiator === true,
    setValue: (value: unknown) => services.modeling.updateModdleProperties(props.element, ensureExtension(services, props.element, 'sop:Actor'), { initiator: value ? true : undefined }),
  });
}

interface Entry {
  id: string;
  component: unknown;
  isEdited?: (node: unknown) => boolean;
}

/** The SOP group's entries for an element: a user task's mutu baku and form, a lane's actor; none for others. */
export function sopEntries(element: ShapeLike): Entry[] {
  if (element.type === 'bpmn:UserTask') {
    return [
      { id: 'sop-step', component: mutuText('step', 'Langkah', 'nomor langkah di lembar SOP'), isEdited: isTextFieldEntryEdited },
      { id: 'sop-waktu-n', component: WaktuAmount, isEdited: isTextFieldEntryEdited },
      { id: 'sop-waktu-unit', component: WaktuUnitEntry, isEdited: isSelectEntryEdited },
      { id: 'sop-waktu-text', component: mutuText('waktu', 'Waktu (teks di lembar SOP)', 'mis. 4-5 Hari'), isEdited: isTextFieldEntryEdited },
      { id: 'sop-requires', component: mutuList('requires', 'sop:Requires', 'Kelengkapan'), isEdited: isTextAreaEntryEdited },
      { id: 'sop-output', component: mutuList('output', 'sop:Output', 'Output'), isEdited: isTextAreaEntryEdited },
      { id: 'sop-confidential', component: Confidential, isEdited: isCheckboxEntryEdited },
      { id: 'sop-startsAt', component: mutuText('startsAt', 'Mulai dijadwalkan', 'nama isian tanggal-jam yang menjadwalkan langkah ini'), isEdited: isTextFieldEntryEdited },
      { id: 'sop-note', component: mutuText('note', 'Ket'), isEdited: isTextFieldEntryEdited },
      { id: 'sop-form', component: SopForm, isEdited: isTextAreaEntryEdited },
    ];
  }
  if (element.type === 'bpmn:Lane') {
    return [
      { id: 'sop-role', component: LaneRole, isEdited: isTextFieldEntryEdited },
      { id: 'sop-initiator', component: LaneInitiator, isEdited: isCheckboxEntryEdited },
    ];
  }
  return [];
}

interface PanelGroup {
  id: string;
  label: string;
  entries: Entry[];
  shouldOpen?: boolean;
}

/** The properties provider: puts the SOP group first for user tasks and lanes. */
class SopPropertiesProvider {
  static $inject = ['propertiesPanel'];
  constructor(propertiesPanel: { registerProvider(priority: number, provider: SopPropertiesProvider): void }) {
    propertiesPanel.registerProvider(500, this);
  }

  getGroups(element: ShapeLike): (groups: PanelGroup[]) => PanelGroup[] {
    return (groups) => {
      const entries = sopEntries(element);
      return entries.length ? [groups[0], { id: 'sop', label: 'SOP', entries, shouldOpen: true }, ...groups.slice(1)].filter((g): g is PanelGroup => Boolean(g)) : groups;
    };
  }
}

/** The bpmn-js module adding the SOP group to the properties panel. */
export const SopPropertiesProviderModule = {
  __init__: ['sopPropertiesProvider'],
  sopPropertiesProvider: ['type', SopPropertiesProvider],
};
