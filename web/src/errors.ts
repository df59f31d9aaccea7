// Shows what went wrong as the server said it, in Indonesian: its message, then the fields, documents or elements it names.
import { ApiError } from './api.js';
import { h } from './dom.js';
import { translateText } from './messages-id.js';

const FIELD_NAMES: Record<string, string> = { documents: 'Kelengkapan', output: 'Output', variables: 'Isian formulir' };

/** A notice element for an error (ApiError or anything else thrown); `labels` name form fields as the form shows them. */
export function errorBox(err: unknown, title = 'Gagal', labels: Readonly<Record<string, string>> = {}): HTMLElement {
  if (!(err instanceof ApiError)) {
    return h('div', { class: 'notice error', role: 'alert' }, h('strong', {}, `${title}: `), translateText(err instanceof Error ? err.message : String(err)));
  }
  const { body } = err;
  const details = body.details ?? {};
  const items: HTMLElement[] = [];
  for (const name of details.missing ?? []) items.push(h('li', {}, `Belum ada: ${name}`));
  for (const f of details.fields ?? []) items.push(h('li', { title: f.message }, `${labels[f.name] ?? FIELD_NAMES[f.name] ?? f.name}: ${translateText(f.message)}`));
  for (const p of details.problems ?? []) items.push(problemItem(p));
  if (details.state) items.push(h('li', {}, `Status sekarang: ${details.state}`));
  return h(
    'div',
    { class: 'notice error', role: 'alert', dataset: { code: body.code } },
    h('strong', {}, `${title} (${body.statusCode || 'jaringan'}): `),
    // The server's English wording stays on hover, for whoever reports the problem.
    h('span', { class: 'message', title: body.message }, err.message),
    items.length ? h('ul', { class: 'details' }, items) : null,
    h('small', { class: 'code' }, body.code),
  );
}

/** One deploy problem or warning: the element it names, then the Indonesian of what the server said about it. */
export function problemItem(p: { elementId: string; message: string }): HTMLLIElement {
  return h('li', { dataset: { elementId: p.elementId }, title: p.message }, h('code', {}, p.elementId), ` ${translateText(p.message)}`);
}

export function okBox(text: string): HTMLElement {
  return h('div', { class: 'notice ok', role: 'status' }, text);
}
