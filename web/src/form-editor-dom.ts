// Keeps the form-js editor's own texts Indonesian in the DOM (palette, properties panel, empty state), with the table of
// form-editor-id.ts, because form-js-editor 1.23 has no translate service; never the form being built, whose labels
// are the owner's.
import { FORM_EDITOR_TEXTS } from './form-editor-id.js';

const TRANSLATED_ATTRIBUTES = ['title', 'placeholder', 'aria-label'];
/** The editor's own parts; the form canvas (.fjs-form) holds the owner's texts and is left alone but for its empty state. */
const OWN_PARTS = '.fjs-palette, .fjs-properties-container, .fjs-properties-panel, .bio-properties-panel, .fjs-empty-editor, .fjs-empty-component';

function translateNode(node: Node): void {
  if (node.nodeType === Node.TEXT_NODE) {
    const text = node.nodeValue ?? '';
    const known = FORM_EDITOR_TEXTS[text.trim()];
    // Only a change: writing the same text again would be observed again, for ever.
    if (known !== undefined && known !== text.trim() && node.parentElement?.closest(OWN_PARTS)) node.nodeValue = text.replace(text.trim(), known);
    return;
  }
  if (!(node instanceof Element)) return;
  if (node.closest(OWN_PARTS)) {
    for (const name of TRANSLATED_ATTRIBUTES) {
      const value = node.getAttribute(name);
      const known = value === null ? undefined : FORM_EDITOR_TEXTS[value];
      if (known !== undefined && known !== value) node.setAttribute(name, known);
    }
  }
  for (const child of Array.from(node.childNodes)) translateNode(child);
}

/**
 * Keeps the editor's texts inside `container` Indonesian: translates what is there and whatever preact renders later
 * (a re-render that writes the English again is translated again). Returns the function that stops watching.
 */
export function speakIndonesian(container: HTMLElement): () => void {
  translateNode(container);
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'childList') record.addedNodes.forEach(translateNode);
      else translateNode(record.target);
    }
  });
  observer.observe(container, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: TRANSLATED_ATTRIBUTES });
  return () => observer.disconnect();
}
