// Shows what went wrong as the server said it: its message, then the fields, documents or elements it names.
import { ApiError } from './api.js';
import { h } from './dom.js';

const FIELD_NAMES: Record<string, string> = { documents: 'Kelengkapan', output: 'Output', variables: 'Isian formulir' };

/** A notice element for an error (ApiError or anything else thrown). */
export function errorBox(err: unknown, title = 'Gagal'): HTMLElement {
  if (!(err instanceof ApiError)) {
    return h('div', { class: 'notice error', role: 'alert' }, h('strong', {}, `${title}: `), err instanceof Error ? err.message : String(err));
  }
  const { body } = err;
  const details = body.details ?? {};
  const items: HTMLElement[] = [];
  for (const name of details.missing ?? []) items.push(h('li', {}, `Belum ada: ${name}`));
  for (const f of details.fields ?? []) items.push(h('li', {}, `${FIELD_NAMES[f.name] ?? f.name}: ${f.message}`));
  for (const p of details.problems ?? []) items.push(h('li', { dataset: { elementId: p.elementId } }, h('code', {}, p.elementId), ` ${p.message}`));
  if (details.state) items.push(h('li', {}, `Status sekarang: ${details.state}`));
  return h(
    'div',
    { class: 'notice error', role: 'alert', dataset: { code: body.code } },
    h('strong', {}, `${title} (${body.statusCode || 'jaringan'}): `),
    h('span', { class: 'message' }, body.message),
    items.length ? h('ul', { class: 'details' }, items) : null,
    h('small', { class: 'code' }, body.code),
  );
}

export function okBox(text: string): HTMLElement {
  return h('div', { class: 'notice ok', role: 'status' }, text);
}
