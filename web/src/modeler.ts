// Modeler (owner): the page exists for owners; the bpmn-js modeler lands in the next change.
import { h, replace } from './dom.js';
import type { Session } from './session.js';

export async function mountModeler(container: HTMLElement, _session: Session): Promise<void> {
  replace(container, h('p', { class: 'notice' }, 'Pemodel belum tersedia.'));
}
