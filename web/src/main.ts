// The page's shell: sign-in with a pasted token, then the pages the user's roles open (hash routes #/tugas, #/pemodel, #/audit).
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
// The icon font as files (woff2 first), not bpmn-embedded.css: that one's only src Chromium accepts is an EOT data URL,
// which it fails to decode ("Failed to decode downloaded font", "OTS parsing error") on every load.
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn.css';
// The properties panel (bpmn-js-properties-panel's look) and form-js: its viewer (tasklist) and editor (modeler).
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import '@bpmn-io/form-js-viewer/dist/assets/form-js.css';
import '@bpmn-io/form-js-viewer/dist/assets/flatpickr/light.css';
import '@bpmn-io/form-js-editor/dist/assets/form-js-editor.css';
import '@bpmn-io/form-js-editor/dist/assets/dragula.css';
import './styles.css';
import { ApiError, getJson, token, whenUnauthenticated } from './api.js';
import { h, replace } from './dom.js';
import { errorBox } from './errors.js';
import { createSession, type PageName, type Session } from './session.js';
import type { Definition, Me, Page } from './types.js';
import { mountTasklist } from './tasklist.js';
import { mountAudit } from './audit.js';
import { rotateButton } from './token-rotation.js';

const TITLES: Record<PageName, string> = { tugas: 'Daftar Tugas', pemodel: 'Pemodel SOP', audit: 'Dasbor Audit' };
/** A page draws itself into the container and returns what to release when the user leaves it. */
type Mount = (container: HTMLElement, session: Session) => Promise<() => void>;
const MOUNT: Record<PageName, Mount> = {
  tugas: mountTasklist,
  // The modeler (bpmn-js modeler, properties panel, form-js editor) is most of the page's code: loaded when opened.
  pemodel: async (container, session) => (await import('./modeler.js')).mountModeler(container, session),
  audit: mountAudit,
};

const root = document.getElementById('app') as HTMLElement;
let session: Session | null = null;
let leave: (() => void) | null = null;

/** Releases the current page (its bpmn-js instance and listeners). */
function leavePage(): void {
  leave?.();
  leave = null;
}

function signIn(message?: string): void {
  session = null;
  leavePage();
  const input = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'off', required: true, placeholder: 'token API' });
  const status = h('div', { class: 'status' });
  const form = h(
    'form',
    {
      class: 'signin card',
      on: {
        submit: (event) => {
          event.preventDefault();
          const value = input.value.trim();
          if (!value) return;
          token.set(value);
          start().catch((err: unknown) => {
            token.clear();
            replace(status, errorBox(err, 'Tidak dapat masuk'));
          });
        },
      },
    },
    h('h1', {}, 'SOP BPMN'),
    h('p', {}, 'Masuk dengan token API Anda (diberikan oleh admin). Token disimpan hanya di tab ini sampai Anda keluar.'),
    h('label', { for: 'token' }, 'Token'),
    input,
    h('button', { type: 'submit', class: 'primary' }, 'Masuk'),
    status,
  );
  if (message) status.append(errorBox(new Error(message), 'Sesi berakhir'));
  replace(root, h('main', { class: 'signin-page' }, form));
  input.focus();
}

async function start(): Promise<void> {
  const [me, definitions] = await Promise.all([getJson<Me>('/me'), getJson<Page<Definition>>('/definitions')]);
  session = createSession(me, definitions.items);
  await route();
}

function currentPage(s: Session): PageName | null {
  // A page may name an item after it (#/tugas/<taskId>, the link in a notification).
  const asked = location.hash.replace(/^#\/?/, '').split('/')[0] as PageName;
  if (s.pages.includes(asked)) return asked;
  return s.pages[0] ?? null;
}

async function route(): Promise<void> {
  const s = session;
  if (!s) return signIn();
  const page = currentPage(s);
  const nav = h(
    'nav',
    { class: 'tabs', 'aria-label': 'Halaman' },
    s.pages.map((p) => h('a', { href: `#/${p}`, class: p === page ? 'active' : '', 'aria-current': p === page ? 'page' : undefined, dataset: { page: p } }, TITLES[p])),
  );
  const header = h(
    'header',
    { class: 'top' },
    h('span', { class: 'brand' }, 'SOP BPMN'),
    nav,
    h(
      'span',
      { class: 'who' },
      h('span', { class: 'me', title: s.me.roles.join(', ') }, s.me.name),
      rotateButton(s.me),
      h('button', { type: 'button', class: 'link', id: 'signout', on: { click: () => (token.clear(), signIn()) } }, 'Keluar'),
    ),
  );
  leavePage();
  const main = h('main', { id: 'page', dataset: { page: page ?? 'none' } });
  replace(root, header, main);
  if (!page) {
    main.append(h('div', { class: 'notice' }, `Peran Anda (${s.me.roles.join(', ') || 'tanpa peran'}) tidak membuka halaman apa pun. Hubungi admin.`));
    return;
  }
  document.title = `${TITLES[page]} · SOP BPMN`;
  // Busy until the page has drawn itself (the modeler's code loads first): screen readers wait, and so do the tests.
  main.setAttribute('aria-busy', 'true');
  try {
    leave = await MOUNT[page](main, s);
  } catch (err) {
    main.append(errorBox(err, 'Halaman tidak dapat dimuat'));
  } finally {
    main.removeAttribute('aria-busy');
  }
}

// A token that stops working mid-session (rotated, deactivated) returns to sign-in; a refused sign-in says so itself.
whenUnauthenticated((message) => {
  if (!session) return;
  token.clear();
  signIn(message);
});
window.addEventListener('hashchange', () => {
  if (session) void route();
});

if (token.get()) {
  start().catch((err: unknown) => {
    token.clear();
    signIn(err instanceof ApiError ? err.message : String(err));
  });
} else {
  signIn();
}
