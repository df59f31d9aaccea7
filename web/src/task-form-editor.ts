// The form of a user task in the modeler, edited with the form-js editor: the form is a Camunda form (form-js JSON)
// that the task links with `camunda:formRef` (binding `latest`), deployed with POST /forms just before the diagram,
// so the diagram's version fixes the form's version (see README "Diagrams from other modelers").
import { FormEditor } from '@bpmn-io/form-js-editor';
import { schemaVersion } from '@bpmn-io/form-js-viewer';
import { ApiError, getJson, send } from './api.js';
import { h, replace } from './dom.js';
import { errorBox, okBox } from './errors.js';
import { speakIndonesian } from './form-editor-dom.js';
import { FormEditorIdModule } from './form-editor-id.js';
import type { ModdleElement, ModelingServices, ShapeLike } from './sop-properties.js';

/** A form-js schema as the editor saves it: `id` is the formId the task links. */
export type FormSchema = Record<string, unknown> & { id: string };

const FORM_ID = /^[A-Za-z][A-Za-z0-9_.-]{0,149}$/;

/** The formId a task's new form gets: `<process>.<task>`, cut to what POST /forms accepts. */
export function newFormId(processKey: string, taskId: string): string {
  const id = `${processKey}.${taskId}`.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 150);
  return FORM_ID.test(id) ? id : `f${id}`.slice(0, 150);
}

/** The task's Camunda 8 form link (`zeebe:formDefinition`), when the diagram is a Camunda 8 one. */
export function zeebeFormDefinition(task: ShapeLike): ModdleElement | undefined {
  return task.businessObject.extensionElements?.values?.find((v) => v.$type === 'zeebe:FormDefinition');
}

/** An empty form-js schema named `id`. */
export function emptyForm(id: string): FormSchema {
  return { type: 'default', id, schemaVersion, components: [] };
}

/**
 * The form editor card: open(task) loads the task's linked form (edited but not yet deployed, else the latest deployed
 * version, else an empty one); save links it to the task and keeps it for deployForms(), which the deploy calls first.
 */
export class TaskFormEditor {
  readonly root: HTMLElement;
  private readonly editor: FormEditor;
  private readonly stopTranslating: () => void;
  private readonly title = h('h3', {}, 'Formulir tugas');
  private readonly status = h('div', { class: 'status', id: 'form-editor-status' });
  private readonly pending = new Map<string, FormSchema>();
  private task: ShapeLike | null = null;
  private formId = '';

  constructor(
    private readonly services: ModelingServices,
    private readonly processKey: () => string,
  ) {
    const canvas = h('div', { class: 'form-editor-canvas', id: 'form-editor-canvas' });
    this.editor = new FormEditor({ container: canvas, additionalModules: [FormEditorIdModule] });
    this.stopTranslating = speakIndonesian(canvas);
    this.root = h(
      'section',
      { class: 'card form-editor', id: 'form-editor', hidden: true },
      this.title,
      h('p', { class: 'muted small' }, 'Seret komponen dari kiri; kunci (key) tiap isian menjadi nama variabel kasus. Formulir dideploy bersama diagram.'),
      canvas,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'primary', id: 'form-editor-save', on: { click: () => this.save() } }, 'Simpan ke tugas'),
        h('button', { type: 'button', id: 'form-editor-close', on: { click: () => this.close() } }, 'Tutup'),
      ),
      this.status,
    );
  }

  /** Opens the form of a user task. */
  async open(task: ShapeLike): Promise<void> {
    this.task = task;
    const zeebeId = zeebeFormDefinition(task)?.formId;
    const linked = typeof task.businessObject.formRef === 'string' ? task.businessObject.formRef : typeof zeebeId === 'string' ? zeebeId : '';
    this.formId = linked || newFormId(this.processKey(), task.id);
    replace(this.title, 'Formulir tugas ', h('code', {}, task.id), ' ', h('span', { class: 'muted small' }, `(formId ${this.formId})`));
    replace(this.status);
    this.root.hidden = false;
    await this.editor.importSchema((this.pending.get(this.formId) ?? (await this.deployed(this.formId)) ?? emptyForm(this.formId)) as FormSchema);
    this.root.scrollIntoView({ block: 'nearest' });
  }

  /** Forgets forms saved for a diagram that is no longer on the canvas, and closes the card. */
  reset(): void {
    this.pending.clear();
    this.close();
  }

  close(): void {
    this.root.hidden = true;
    this.task = null;
  }

  /** The latest deployed version of a form, or null when none is deployed. */
  private async deployed(formId: string): Promise<FormSchema | null> {
    try {
      return (await getJson<{ schema: FormSchema }>(`/forms/${encodeURIComponent(formId)}`)).schema;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }

  /**
   * Links the edited form to the task: a Camunda 8 task keeps its zeebe:formDefinition (linking this formId), any other
   * gets camunda:formRef, replacing camunda:formData (a task cannot have both).
   */
  private save(): void {
    const task = this.task;
    if (!task) return;
    const schema = { ...(this.editor.saveSchema() as Record<string, unknown>), id: this.formId } as FormSchema;
    this.pending.set(this.formId, schema);
    const { modeling } = this.services;
    const zeebeForm = zeebeFormDefinition(task);
    if (zeebeForm) {
      // One link per task: a formKey (an embedded zeebe:userTaskForm) or externalReference gives way to the formId.
      modeling.updateModdleProperties(task, zeebeForm, { formId: this.formId, formKey: undefined, externalReference: undefined });
      replace(this.status, okBox(`Formulir disimpan ke tugas ${task.id} (zeebe:formDefinition). Deploy untuk memberlakukannya.`));
      return;
    }
    const bo = task.businessObject;
    // camunda-bpmn-js-behaviors clears camunda:formKey when camunda:formRef is set (a task has one form).
    modeling.updateProperties(task, { 'camunda:formRef': this.formId, 'camunda:formRefBinding': 'latest' });
    const ext = bo.extensionElements;
    const formData = ext?.values?.filter((v: ModdleElement) => v.$type === 'camunda:FormData') ?? [];
    if (ext && formData.length) modeling.updateModdleProperties(task, ext, { values: (ext.values ?? []).filter((v) => !formData.includes(v)) });
    replace(this.status, okBox(`Formulir disimpan ke tugas ${task.id}${formData.length ? ' (camunda:formData diganti)' : ''}. Deploy untuk memberlakukannya.`));
  }

  /** Deploys every form saved since the last deploy (POST /forms); throws the server's refusal of the first it refuses. */
  async deployForms(): Promise<Array<{ formId: string; version: number }>> {
    const done: Array<{ formId: string; version: number }> = [];
    for (const [formId, schema] of this.pending) {
      const { json } = await send<{ formId: string; version: number }>('POST', '/forms', { body: schema });
      done.push(json);
      this.pending.delete(formId);
    }
    return done;
  }

  /** Whether forms await the next deploy. */
  get hasPending(): boolean {
    return this.pending.size > 0;
  }

  /** Shows an error in the card. */
  showError(err: unknown): void {
    replace(this.status, errorBox(err, 'Formulir ditolak'));
  }

  destroy(): void {
    this.stopTranslating();
    this.editor.destroy();
  }
}
