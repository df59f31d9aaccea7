// Tasklist (staff): the open tasks of my roles by due date, overdue in red; claim; the task's form (form-js viewer); complete; the case's diagram.
import { ApiError, getAll, getJson, getText, send } from './api.js';
import { DiagramView, definitionXml } from './diagram.js';
import { h, legend, replace } from './dom.js';
import { errorBox, okBox } from './errors.js';
import { formatTime, STATUS } from './format.js';
import type { Session } from './session.js';
import { sopSheetButton } from './sop-sheet.js';
import { enrolmentNotice, isEnrolmentRefusal } from './token-rotation.js';
import { TaskForm } from './task-form.js';
import type { InstanceDetail, SealedContent, Task } from './types.js';

export async function mountTasklist(container: HTMLElement, session: Session): Promise<() => void> {
  const list = h('ul', { id: 'tasks', class: 'task-list' });
  const count = h('span', { class: 'count' });
  const detail = h('section', { id: 'task-detail', class: 'detail card' }, h('p', { class: 'muted' }, 'Pilih tugas dari daftar.'));
  const notices = h('div', { class: 'notices' });
  const diagramBox = h('div', { class: 'diagram', id: 'task-diagram' });
  const diagram = new DiagramView(diagramBox);
  const diagramNote = h('div', { class: 'diagram-note' });
  // Shown once a task (or a case that just ended) is chosen: an empty canvas says nothing.
  const diagramCard = h('section', { class: 'card', id: 'diagram-card', hidden: true }, h('h3', {}, 'Diagram kasus'), diagramNote, diagramBox, legend(DIAGRAM_LEGEND));
  const detailPane = h('div', { class: 'detail-pane' }, diagramCard, detail);
  const sealedList = h('ul', { id: 'sealed-records', class: 'sealed-list' });
  const sealedCard = h(
    'section',
    { class: 'card sealed', id: 'sealed-card', hidden: true },
    h('h2', {}, 'Catatan rahasia saya'),
    h('p', { class: 'muted small' }, 'Isi langkah rahasia yang Anda catat, tersegel untuk Anda saja. Setiap pembacaan tercatat dalam jejak audit.'),
    sealedList,
  );
  let tasks: Task[] = [];
  let overdue = new Set<string>();
  let selected: string | null = null;

  const startable = session.definitions.filter((d) => session.me.roles.includes('admin') || d.roles.some((r) => session.me.roles.includes(r.id)));
  const startSelect = h('select', { id: 'start-definition', 'aria-label': 'SOP' }, startable.map((d) => h('option', { value: d.key }, session.label(d))));
  const businessKey = h('input', { id: 'business-key', placeholder: 'Nomor kasus (opsional)', maxlength: 200 });
  const startForm = h(
    'form',
    {
      class: 'toolbar card',
      on: {
        submit: (event) => {
          event.preventDefault();
          void (async () => {
            try {
              const started = await send<{ id: string }>('POST', `/definitions/${encodeURIComponent(startSelect.value)}/instances`, {
                body: businessKey.value.trim() ? { businessKey: businessKey.value.trim() } : {},
              });
              businessKey.value = '';
              await reload();
              const first = tasks.find((t) => t.instanceId === started.json.id);
              if (first) await select(first.id);
              replace(notices, okBox(first ? 'Layanan dimulai; tugas pertamanya dipilih.' : 'Layanan dimulai; tugas pertamanya ada pada peran lain.'));
            } catch (err) {
              replace(notices, errorBox(err, 'Layanan tidak dapat dimulai'));
            }
          })();
        },
      },
    },
    h('label', { for: 'start-definition' }, 'Mulai layanan'),
    startSelect,
    businessKey,
    h('button', { type: 'submit' }, 'Mulai'),
  );

  replace(
    container,
    h(
      'div',
      { class: 'tasklist' },
      startable.length ? startForm : null,
      notices,
      h(
        'div',
        { class: 'split' },
        h(
          'aside',
          { class: 'card list-pane' },
          h('h2', {}, 'Tugas saya ', count),
          h('p', { class: 'muted small' }, 'Menurut batas waktu; yang terlambat berwarna merah.'),
          list,
        ),
        detailPane,
      ),
      sealedCard,
    ),
  );

  async function reload(): Promise<void> {
    const [open, late] = await Promise.all([getAll<Task>('/tasks?limit=200', 600), getAll<Task>('/tasks?overdue=true&limit=200', 600)]);
    tasks = open.items;
    overdue = new Set(late.items.map((t) => t.id));
    void listSealed();
    count.textContent = `(${tasks.length}${open.truncated ? '+' : ''})`;
    replace(
      list,
      tasks.length
        ? tasks.map((t) =>
            h(
              'li',
              { class: `task ${overdue.has(t.id) ? 'overdue' : ''} ${t.id === selected ? 'selected' : ''}`, dataset: { taskId: t.id, elementId: t.elementId } },
              h(
                'button',
                {
                  type: 'button',
                  on: {
                    // On a narrow screen the task opens below the list: bring it into view.
                    click: () => void select(t.id).then(() => matchMedia('(max-width: 900px)').matches && detailPane.scrollIntoView({ block: 'start' })),
                  },
                },
                h('span', { class: 'step' }, t.step ? `Langkah ${t.step}` : 'Langkah –'),
                h('span', { class: 'name' }, t.name ?? t.elementId),
                h('span', { class: 'meta' }, `${session.definition(t.definitionKey)?.name ?? t.definitionKey} · ${session.roleName(t.role)}`),
                h(
                  'span',
                  { class: 'due' },
                  t.dueAt ? `Batas: ${formatTime(t.dueAt, session.timeZone(t.definitionKey))}` : 'Tanpa batas waktu',
                  overdue.has(t.id) ? h('span', { class: 'badge late' }, 'Terlambat') : null,
                  t.status === 'claimed' ? h('span', { class: 'badge' }, t.assignee === session.me.id ? 'Diklaim saya' : 'Diklaim') : null,
                ),
              ),
            ),
          )
        : h('li', { class: 'muted empty' }, 'Tidak ada tugas terbuka untuk peran Anda.'),
    );
  }

  /** The confidential steps this user completed, each with a button that reads its content back (an audited read). */
  async function listSealed(): Promise<void> {
    try {
      const done = await getAll<Task>('/tasks?assignee=me&status=completed&limit=200', 600);
      const mine = done.items.filter((t) => t.contentSealed);
      sealedCard.hidden = mine.length === 0;
      replace(
        sealedList,
        mine.map((t) => {
          const body = h('div', { class: 'sealed-body' });
          const read = h('button', { type: 'button', class: 'secondary', dataset: { read: t.id } }, 'Baca isi');
          const readContent = (): void => {
            void (async () => {
              try {
                const content = await getJson<SealedContent>(`/tasks/${encodeURIComponent(t.id)}/content`);
                const label = (name: string) => t.form.find((f) => f.name === name)?.label || name;
                replace(
                  body,
                  h(
                    'dl',
                    { class: 'facts' },
                    Object.entries(content.variables).flatMap(([name, value]) => fact(label(name), value)),
                    content.output.flatMap((o) => fact(`Output: ${o.name}`, o.value)),
                  ),
                );
              } catch (err) {
                replace(body, isEnrolmentRefusal(err) ? enrolmentNotice(session.me, readContent) : errorBox(err, 'Isi rahasia tidak dapat dibaca'));
              }
            })();
          };
          read.addEventListener('click', readContent);
          return h(
            'li',
            { dataset: { taskId: t.id } },
            h('span', { class: 'step' }, t.step ? `Langkah ${t.step}` : 'Langkah –'),
            ' ',
            h('span', { class: 'name' }, t.name ?? t.elementId),
            h('span', { class: 'meta muted small' }, ` · ${session.definition(t.definitionKey)?.name ?? t.definitionKey} · dicatat ${t.completedAt ? formatTime(t.completedAt, session.timeZone(t.definitionKey)) : ''}`),
            ' ',
            read,
            body,
          );
        }),
      );
    } catch (err) {
      replace(notices, errorBox(err, 'Catatan rahasia tidak dapat dimuat'));
    }
  }

  async function select(id: string): Promise<void> {
    // A notice about an earlier action (a case started, a list not loaded) does not outlive the next choice.
    replace(notices);
    selected = id;
    for (const li of list.querySelectorAll<HTMLElement>('li.task')) li.classList.toggle('selected', li.dataset.taskId === id);
    let task = tasks.find((t) => t.id === id);
    try {
      task ??= await getJson<Task>(`/tasks/${encodeURIComponent(id)}`);
    } catch (err) {
      replace(detail, errorBox(err, 'Tugas tidak dapat dibuka'));
      return;
    }
    renderDetail(task);
    await showCase(task, task.elementId);
  }

  /**
   * Draws the case of `task` on its diagram: done steps, steps open at other roles, and `current` (zoomed to when the
   * diagram is too wide to read at fit size). Answers the case as the caller may see it, or null when it may not.
   */
  async function showCase(task: Task, current: string | null): Promise<InstanceDetail | null> {
    replace(diagramNote);
    diagramCard.hidden = false;
    let instance: InstanceDetail | null = null;
    try {
      await diagram.show(`${task.definitionKey}@${task.version}`, () => definitionXml(task.definitionKey, task.version, getText));
    } catch (err) {
      // A diagram that cannot be drawn (e.g. a file without diagram layout) leaves the task's form usable.
      replace(diagramNote, errorBox(err, 'Diagram tidak dapat ditampilkan'));
      return getJson<InstanceDetail>(`/instances/${encodeURIComponent(task.instanceId)}`).catch(() => null);
    }
    diagram.clearMarks();
    try {
      instance = await getJson<InstanceDetail>(`/instances/${encodeURIComponent(task.instanceId)}`);
      for (const s of instance.steps) if (s.status === 'completed') diagram.mark(s.elementId, 'step-done');
      for (const t of instance.openTasks) if (t.elementId !== current) diagram.mark(t.elementId, 'step-open');
    } catch {
      // An applicant's own step may not show the whole case; the current step is still highlighted.
    }
    if (current) {
      diagram.mark(current, 'step-current');
      diagram.focus(current);
    }
    return instance;
  }

  /** After a completion that left none of the case's steps to this user: says whether the case ended or went on elsewhere. */
  async function afterCase(done: Task): Promise<HTMLElement | null> {
    selected = null;
    replace(detail, h('p', { class: 'muted' }, 'Pilih tugas dari daftar.'));
    const instance = await showCase(done, null);
    if (!instance) return null;
    const label = instance.businessKey ? `Kasus ${instance.businessKey}` : 'Kasus ini';
    if (instance.status === 'completed') return okBox(`${label} selesai${instance.endedAt ? ` pada ${formatTime(instance.endedAt, session.timeZone(done.definitionKey))}` : ''}.`);
    if (instance.status === 'cancelled') return h('div', { class: 'notice', role: 'status' }, `${label} dibatalkan.`);
    const elsewhere = [...new Set(instance.openTasks.map((t) => session.roleName(t.role)))];
    return h('div', { class: 'notice', role: 'status' }, elsewhere.length ? `${label} berlanjut pada peran lain: ${elsewhere.join(', ')}.` : `${label} masih berjalan.`);
  }

  function renderDetail(task: Task): void {
    const tz = session.timeZone(task.definitionKey);
    const mine = task.assignee === session.me.id;
    const late = overdue.has(task.id);
    const act = async (action: 'claim' | 'unclaim') => {
      try {
        const updated = (await send<Task>('POST', `/tasks/${encodeURIComponent(task.id)}/${action}`)).json;
        await reload();
        renderDetail(updated);
        detail.prepend(okBox(action === 'claim' ? 'Tugas diklaim.' : 'Tugas dilepaskan.'));
      } catch (err) {
        detail.prepend(errorBox(err, action === 'claim' ? 'Tidak dapat mengklaim' : 'Tidak dapat melepaskan'));
      }
    };
    const form = completionForm(task, tz, async () => {
      const done = task;
      await reload();
      const next = tasks.find((t) => t.instanceId === done.instanceId);
      const caseNotice = next ? (await select(next.id), null) : await afterCase(done);
      if (caseNotice) {
        caseNotice.id = 'case-status';
        detail.prepend(caseNotice);
      }
      detail.prepend(okBox(`Tugas selesai: ${done.step ? `Langkah ${done.step}, ` : ''}${done.name ?? done.elementId}.${next ? ' Langkah berikutnya dipilih.' : ''}`));
    });
    replace(
      detail,
      h('h2', {}, task.step ? `Langkah ${task.step}: ` : '', task.name ?? task.elementId),
      h(
        'dl',
        { class: 'facts' },
        fact(
          'SOP',
          h(
            'span',
            {},
            `${session.definition(task.definitionKey)?.name ?? task.definitionKey} (versi ${task.version}) `,
            sopSheetButton('sop-sheet', () => ({ key: task.definitionKey, version: task.version }), notices),
          ),
        ),
        fact('Pelaksana', session.roleName(task.role)),
        fact('Waktu', task.timeStandard?.text ?? 'tidak ditetapkan'),
        fact('Mulai dihitung', clockStart(task, tz)),
        fact('Batas waktu', h('span', { class: late ? 'late-text' : '' }, task.dueAt ? formatTime(task.dueAt, tz) : '–', late ? h('span', { class: 'badge late' }, 'Terlambat') : null)),
        fact('Status', `${STATUS[task.status] ?? task.status}${task.assignee ? (mine ? ' oleh Anda' : ' oleh petugas lain') : ''}`),
      ),
      task.confidential ? h('p', { class: 'notice confidential' }, h('span', { class: 'badge' }, 'Rahasia'), ' Isi langkah ini hanya dapat dibaca oleh pencatatnya.') : null,
      h(
        'div',
        { class: 'actions' },
        task.status === 'open' ? h('button', { type: 'button', id: 'claim', on: { click: () => void act('claim') } }, 'Klaim') : null,
        task.status === 'claimed' && mine ? h('button', { type: 'button', id: 'unclaim', class: 'secondary', on: { click: () => void act('unclaim') } }, 'Lepaskan') : null,
      ),
      form,
    );
  }

  await reload();
  // A notification's link names its task (#/tugas/<taskId>); otherwise the first of the list is shown.
  const linked = /^#\/tugas\/([^/?#]+)/.exec(location.hash)?.[1];
  const first = linked ? decodeURIComponent(linked) : tasks[0]?.id;
  if (first) await select(first);
  return () => diagram.viewer.destroy();
}

/**
 * When the task's working-time clock starts counting (the server's clockStartsAt); beside it, when the task was created
 * or scheduled if that lies outside office hours, so 02.06 at night reads as counting from 07.30.
 */
function clockStart(task: Task, timeZone: string): HTMLElement {
  const from = task.startsAt ?? task.createdAt;
  const starts = task.clockStartsAt ?? from;
  const moved = new Date(starts).getTime() !== new Date(from).getTime();
  return h(
    'span',
    { id: 'clock-start' },
    formatTime(starts, timeZone),
    moved ? h('small', { class: 'muted' }, ` (${task.startsAt ? 'dijadwalkan' : 'dibuat'} ${formatTime(from, timeZone)}, di luar jam kerja)`) : null,
  );
}

function fact(label: string, value: string | HTMLElement): HTMLElement[] {
  return [h('dt', {}, label), h('dd', {}, value)];
}

const DIAGRAM_LEGEND = [
  ['current', 'langkah ini'],
  ['done', 'sudah selesai'],
  ['open', 'terbuka di peran lain'],
] as const;

/** The completion form: Kelengkapan as a checklist with a reference or an uploaded file each, Output, then the task's own fields. */
function completionForm(task: Task, timeZone: string, onDone: () => Promise<void>): HTMLFormElement {
  const status = h('div', { class: 'status' });
  const documents = task.requires.map((name, i) => ({
    name,
    check: h('input', { type: 'checkbox', id: `doc-${i}`, name: `doc-${i}`, dataset: { document: name } }),
    ref: h('input', { id: `doc-ref-${i}`, placeholder: 'Nomor/rujukan dokumen', maxlength: 2000, 'aria-label': `Rujukan ${name}` }),
    file: h('input', { type: 'file', id: `doc-file-${i}`, 'aria-label': `Berkas ${name}`, accept: '.pdf,.png,.jpg,.jpeg,.txt,.docx,.xlsx' }),
  }));
  const outputs = task.output.map((name, i) => ({
    name,
    check: h('input', { type: 'checkbox', id: `out-${i}`, name: `out-${i}`, dataset: { output: name } }),
    value: h('input', { id: `out-value-${i}`, placeholder: 'Isi/uraian output', maxlength: 100_000, 'aria-label': `Isi ${name}` }),
  }));
  const fields = task.formSchema ? new TaskForm(task, timeZone) : null;
  if (fields) void fields.render().catch((err: unknown) => replace(status, errorBox(err, 'Formulir tidak dapat ditampilkan')));
  const form = h(
    'form',
    {
      id: 'complete-form',
      class: 'complete',
      on: {
        submit: (event) => {
          event.preventDefault();
          void submit();
        },
      },
    },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Kelengkapan'),
      documents.length
        ? documents.map((d) => h('div', { class: 'check-row' }, h('label', { for: d.check.id }, d.check, ' ', d.name), h('div', { class: 'inline' }, d.ref, d.file)))
        : h('p', { class: 'muted small' }, 'Tidak ada kelengkapan yang dipersyaratkan.'),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Output'),
      outputs.length
        ? outputs.map((o) => h('div', { class: 'check-row' }, h('label', { for: o.check.id }, o.check, ' ', o.name), o.value))
        : h('p', { class: 'muted small' }, 'Tidak ada output yang dipersyaratkan.'),
    ),
    fields
      ? h(
          'fieldset',
          {},
          h('legend', {}, 'Isian'),
          fields.root,
          task.form
            .filter((f) => f.slots)
            .map((f) => h('small', { class: 'muted slots', dataset: { field: f.name } }, `${f.label || f.name} — jam sesi (${timeZone}): ${(f.slots ?? []).map((s) => `${s.start}–${s.end}`).join(', ')}`)),
        )
      : null,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'complete' }, 'Selesaikan tugas')),
    status,
  );

  async function submit(): Promise<void> {
    const button = form.querySelector<HTMLButtonElement>('#complete');
    if (button) button.disabled = true;
    replace(status);
    const variables = fields ? fields.read() : {};
    if (variables === null) {
      replace(status, h('div', { class: 'notice error', role: 'alert' }, 'Periksa isian yang ditandai.'));
      if (button) button.disabled = false;
      return;
    }
    try {
      const docs: Array<{ name: string; ref?: string; attachmentId?: string }> = [];
      for (const d of documents) {
        if (!d.check.checked) continue;
        const entry: { name: string; ref?: string; attachmentId?: string } = { name: d.name };
        if (d.ref.value.trim()) entry.ref = d.ref.value.trim();
        const file = d.file.files?.[0];
        if (file) {
          const body = new FormData();
          body.append('name', d.name);
          body.append('file', file, file.name);
          entry.attachmentId = (await send<{ id: string }>('POST', `/tasks/${encodeURIComponent(task.id)}/attachments`, { raw: body })).json.id;
        }
        docs.push(entry);
      }
      const output = outputs.filter((o) => o.check.checked).map((o) => (o.value.value.trim() ? { name: o.name, value: o.value.value.trim() } : { name: o.name }));
      await send<Task>('POST', `/tasks/${encodeURIComponent(task.id)}/complete`, { body: { documents: docs, output, variables } });
      await onDone();
    } catch (err) {
      replace(status, errorBox(err, 'Tugas belum dapat diselesaikan', fields?.labels()));
      // A refused field shows its message on the field too.
      if (fields && err instanceof ApiError) fields.showErrors(err.body.details?.fields ?? []);
    } finally {
      if (button) button.disabled = false;
    }
  }
  return form;
}
