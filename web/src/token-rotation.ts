// "Ganti token": the signed-in user replaces their token with one of their own (POST /me/token). A token an admin
// issued (enrolment) cannot read sealed content until then; the new token is shown once, and the page goes on with it.
import { ApiError, send, token } from './api.js';
import { h, replace } from './dom.js';
import { errorBox } from './errors.js';
import type { Me } from './types.js';

/** Whether the user may rotate their own token: the ADMIN_TOKEN account's token is configuration (409). */
export function mayRotate(me: Pick<Me, 'tokenKind'>): boolean {
  return me.tokenKind === 'own' || me.tokenKind === 'enrolment';
}

/** Whether a refusal is the server's "sealed content needs your own token" (403, `details.reason: enrolment-token`). */
export function isEnrolmentRefusal(err: unknown): boolean {
  return err instanceof ApiError && err.status === 403 && err.body.details?.reason === 'enrolment-token';
}

/** Copies `text`: the Clipboard API where the page may use it, else the selected field's copy command. */
async function copy(text: string, field: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    field.select();
    return document.execCommand('copy');
  }
}

/** The dialog's second step: the new token once, a copy button, and what became of the old one. */
function shownOnce(dialog: HTMLDialogElement, value: string): HTMLElement[] {
  const field = h('input', { id: 'new-token', type: 'text', readonly: true, value, 'aria-label': 'Token baru', spellcheck: 'false', autocomplete: 'off' });
  const copied = h('span', { class: 'muted small', role: 'status' });
  const copyButton = h('button', { type: 'button', id: 'copy-token', class: 'secondary' }, 'Salin');
  copyButton.addEventListener('click', () => {
    void copy(value, field).then((ok) => replace(copied, ok ? 'Tersalin.' : 'Tidak dapat menyalin: pilih teksnya dan salin sendiri.'));
  });
  const done = h('button', { type: 'button', id: 'rotate-done', class: 'primary' }, 'Sudah saya simpan');
  // The token leaves the page's DOM with the dialog: it is shown once.
  done.addEventListener('click', () => dialog.close());
  return [
    h('h2', {}, 'Token baru Anda'),
    h(
      'div',
      { class: 'notice warn', role: 'alert' },
      h('strong', {}, 'Simpan token ini sekarang. '),
      'Token ini hanya ditampilkan sekali ini. Token lama Anda sudah tidak berlaku: di tab, perangkat atau aplikasi lain yang memakainya, masuk lagi dengan token baru ini.',
    ),
    h('div', { class: 'token-row' }, field, copyButton),
    copied,
    h('p', { class: 'muted small' }, 'Halaman ini sudah memakai token baru; Anda tidak perlu masuk lagi.'),
    h('div', { class: 'actions' }, done),
  ];
}

/**
 * Opens the rotation dialog: a confirmation, then POST /me/token; on success the page's stored token is the new one
 * (every later request sends it), the token is shown once with a copy button, and `onRotated` runs.
 */
export function openTokenRotation(me: Me, onRotated: () => void = () => undefined): void {
  const dialog = h('dialog', { id: 'rotate-dialog', class: 'card dialog', 'aria-labelledby': 'rotate-title' });
  const status = h('div', { class: 'status' });
  const confirm = h('button', { type: 'button', id: 'rotate-confirm', class: 'primary' }, 'Ganti token');
  const cancel = h('button', { type: 'button', class: 'secondary', id: 'rotate-cancel' }, 'Batal');
  cancel.addEventListener('click', () => dialog.close());
  confirm.addEventListener('click', () => {
    confirm.disabled = true;
    void send<{ token: string }>('POST', '/me/token').then(
      ({ json }) => {
        token.set(json.token);
        me.tokenKind = 'own';
        replace(dialog, shownOnce(dialog, json.token));
        onRotated();
      },
      (err: unknown) => {
        confirm.disabled = false;
        replace(status, errorBox(err, 'Token tidak dapat diganti'));
      },
    );
  });
  const enrolment = me.tokenKind === 'enrolment'
    ? h('p', {}, 'Token yang Anda pakai sekarang diberikan oleh admin. Setelah diganti, hanya Anda yang memegang token Anda, dan Anda dapat membaca catatan rahasia yang Anda catat.')
    : null;
  replace(
    dialog,
    h('h2', { id: 'rotate-title' }, 'Ganti token?'),
    enrolment,
    h('p', {}, 'Anda akan mendapat token baru yang hanya ditampilkan sekali. Token lama langsung berhenti berlaku, juga di tab atau perangkat lain yang memakainya.'),
    h('div', { class: 'actions' }, confirm, cancel),
    status,
  );
  dialog.addEventListener('close', () => dialog.remove());
  // Inside the page's root, so a return to sign-in (a token refused meanwhile) takes the dialog with it.
  (document.getElementById('app') ?? document.body).append(dialog);
  dialog.showModal();
}

/** The header's "Ganti token" button, or nothing for the ADMIN_TOKEN account. */
export function rotateButton(me: Me): HTMLButtonElement | null {
  if (!mayRotate(me)) return null;
  const button = h(
    'button',
    { type: 'button', class: 'link', id: 'rotate-token', title: me.tokenKind === 'enrolment' ? 'Token Anda diberikan admin: ganti dengan token milik Anda sendiri' : 'Ganti token API Anda' },
    'Ganti token',
  );
  button.addEventListener('click', () => openTokenRotation(me, () => button.setAttribute('title', 'Ganti token API Anda')));
  return button;
}

/**
 * What a 403 on sealed content says when the token is an enrolment token: why, and a button that opens the rotation
 * (after which the user reads again with `retry`).
 */
export function enrolmentNotice(me: Me, retry: () => void): HTMLElement {
  const open = h('button', { type: 'button', class: 'primary', dataset: { action: 'rotate-token' } }, 'Ganti token sekarang');
  const box = h(
    'div',
    { class: 'notice warn enrolment', role: 'alert', dataset: { reason: 'enrolment-token' } },
    h('strong', {}, 'Catatan rahasia hanya terbuka dengan token milik Anda sendiri. '),
    'Token yang Anda pakai diberikan oleh admin (token pendaftaran), sehingga admin pun pernah memegangnya. Ganti token Anda sekali; setelah itu isi catatan ini dapat Anda baca.',
    h('div', { class: 'actions' }, open),
  );
  open.addEventListener('click', () => openTokenRotation(me, retry));
  return box;
}
