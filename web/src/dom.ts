// Builds DOM nodes from data without ever parsing HTML: text goes in as text nodes, so server strings cannot inject markup.
export type Child = Node | string | number | null | undefined | false;

export interface Attrs {
  class?: string;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>;
  dataset?: Record<string, string>;
  [attribute: string]: unknown;
}

/** An element with attributes (set with setAttribute, event handlers only as functions) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Child | Child[]>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'on') {
      for (const [type, handler] of Object.entries(value as Record<string, EventListener>)) el.addEventListener(type, handler);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (name === 'value' && 'value' in el) {
      (el as HTMLInputElement).value = String(value);
    } else if (name === 'checked' && 'checked' in el) {
      (el as HTMLInputElement).checked = Boolean(value);
    } else if (name.startsWith('on')) {
      throw new Error(`event handler attributes are not allowed: ${name}`);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Array<Child | Child[]>): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces every child of `parent`. */
export function replace(parent: Element, ...children: Array<Child | Child[]>): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A colour key: one swatch (its CSS class) and its label per entry, as the diagrams' legends show them. */
export function legend(entries: ReadonlyArray<readonly [swatch: string, label: string]>): HTMLParagraphElement {
  return h('p', { class: 'legend small' }, entries.flatMap(([swatch, label], i) => [h('span', { class: `swatch ${swatch}` }), i < entries.length - 1 ? ` ${label} ` : ` ${label}`]));
}
