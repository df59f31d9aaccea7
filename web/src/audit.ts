// Audit dashboard (auditor): the page exists for auditors; the heat map lands in a later change.
import { h, replace } from './dom.js';
import type { Session } from './session.js';

export async function mountAudit(container: HTMLElement, _session: Session): Promise<void> {
  replace(container, h('p', { class: 'notice' }, 'Dasbor audit belum tersedia.'));
}
