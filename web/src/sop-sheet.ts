// Opens the printable SOP-AP sheet (GET /definitions/:key/sop?format=html) in a new tab: the page signs its requests
// with the bearer token and keeps no cookie, so a plain link would answer 401; the sheet is fetched and shown as a blob.
import { getBlob, query } from './api.js';
import { h, replace } from './dom.js';
import { errorBox } from './errors.js';

/** How long the sheet's blob URL lives: long enough for the new tab to load it (reloading that tab later needs the button again). */
const BLOB_LIFETIME_MS = 60_000;

/**
 * Opens the sheet of `key` (at `version`, or the latest) in a new tab. The tab is opened before the request, while
 * the click still counts as the user's, so a popup blocker lets it through; when it is blocked anyway, `notices` gets
 * a link to the sheet instead. A refused request closes the tab and shows the server's error in `notices`.
 */
export async function openSopSheet(key: string, version: number | undefined, notices: HTMLElement): Promise<void> {
  const tab = window.open('', '_blank');
  if (tab) {
    // The sheet comes from our origin: it gets no handle back on this page.
    tab.opener = null;
    tab.document.title = 'Lembar SOP';
    tab.document.body.textContent = 'Memuat lembar SOP…';
  }
  try {
    const { blob } = await getBlob(`/definitions/${encodeURIComponent(key)}/sop${query({ version, format: 'html' })}`);
    const url = URL.createObjectURL(new Blob([blob], { type: 'text/html' }));
    setTimeout(() => URL.revokeObjectURL(url), BLOB_LIFETIME_MS);
    if (tab) tab.location.replace(url);
    else replace(notices, h('div', { class: 'notice', role: 'status' }, 'Tab baru diblokir peramban. ', h('a', { href: url, target: '_blank', rel: 'noopener', id: 'sop-sheet-link' }, 'Buka lembar SOP')));
  } catch (err) {
    tab?.close();
    replace(notices, errorBox(err, 'Lembar SOP tidak dapat dibuka'));
  }
}

/** A button that opens the sheet of the SOP version `target()` names at the time of the click. */
export function sopSheetButton(id: string, target: () => { key: string; version?: number } | null, notices: HTMLElement): HTMLButtonElement {
  return h(
    'button',
    {
      type: 'button',
      id,
      class: 'sop-sheet',
      title: 'Lembar SOP-AP yang dapat dicetak, di tab baru',
      on: {
        click: () => {
          const chosen = target();
          if (chosen) void openSopSheet(chosen.key, chosen.version, notices);
        },
      },
    },
    'Lembar SOP',
  );
}
