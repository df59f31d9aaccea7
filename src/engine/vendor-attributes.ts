// Reads Camunda 7 (`camunda:`) and Camunda 8 (`zeebe:`) attributes and extension elements whether moddle typed them
// (the descriptors in bpmn-parser.ts) or kept them raw (an attribute the descriptor does not know lands in $attrs);
// a prefix counts by its namespace URI, so `xmlns:cam="http://camunda.org/schema/1.0/bpmn"` reads the same.
import type { ModdleElement } from 'bpmn-moddle';

export const CAMUNDA_NS = 'http://camunda.org/schema/1.0/bpmn';
export const ZEEBE_NS = 'http://camunda.org/schema/zeebe/1.0';

/** The namespace URI of each descriptor prefix moddle gives typed elements and properties. */
const DESCRIPTOR_URIS: Readonly<Record<string, string>> = { camunda: CAMUNDA_NS, zeebe: ZEEBE_NS, sop: 'urn:sop-bpmn:1.0' };

/** One attribute of an element from another vocabulary than the element's own. */
export interface VendorAttribute {
  /** As the descriptor names it (`camunda:candidateGroups`) or as written (`cam:foo`). */
  qname: string;
  /** Its namespace URI; undefined for a prefix the document never declares. */
  uri: string | undefined;
  local: string;
  value: unknown;
  /** Whether the descriptor knows it (false: an unknown attribute, kept raw). */
  known: boolean;
}

interface PropertyDescriptor {
  ns?: { prefix?: string; localName?: string };
}

/** Namespace URI per prefix, from the xmlns declarations of the root and of the element's ancestors. */
export function namespaces(el: ModdleElement): Map<string, string> {
  const chain: ModdleElement[] = [];
  for (let cur: ModdleElement | undefined = el; cur; cur = cur.$parent) chain.unshift(cur);
  const map = new Map<string, string>();
  for (const node of chain) {
    for (const [name, uri] of Object.entries(node.$attrs ?? {})) if (name.startsWith('xmlns:')) map.set(name.slice(6), String(uri));
  }
  return map;
}

function descriptorOf(el: ModdleElement): { propertiesByName?: Record<string, PropertyDescriptor> } | undefined {
  return (el as unknown as { $descriptor?: { propertiesByName?: Record<string, PropertyDescriptor> } }).$descriptor;
}

/**
 * The element's attributes from vocabularies other than its own: typed ones (a `camunda:` property moddle added to a
 * `bpmn:UserTask`) and raw ones ($attrs, xmlns declarations left out). Only values, not child elements.
 */
export function vendorAttributes(el: ModdleElement): VendorAttribute[] {
  const own = String(el.$type).split(':')[0];
  const found: VendorAttribute[] = [];
  const properties = descriptorOf(el)?.propertiesByName ?? {};
  for (const [key, value] of Object.entries(el)) {
    if (key.startsWith('$') || value === undefined || (typeof value === 'object' && value !== null)) continue;
    const prefix = properties[key]?.ns?.prefix;
    if (!prefix || prefix === own || prefix === 'bpmn' || prefix === 'xml') continue;
    found.push({ qname: `${prefix}:${properties[key]?.ns?.localName ?? key}`, uri: DESCRIPTOR_URIS[prefix], local: properties[key]?.ns?.localName ?? key, value, known: true });
  }
  const raw = Object.entries(el.$attrs ?? {}).filter(([name]) => name.includes(':') && !name.startsWith('xmlns'));
  if (raw.length > 0) {
    const ns = namespaces(el);
    for (const [name, value] of raw) {
      const i = name.indexOf(':');
      // moddle writes an unknown attribute of a known namespace with the descriptor's prefix, whatever the document's.
      const prefix = name.slice(0, i);
      found.push({ qname: name, uri: DESCRIPTOR_URIS[prefix] ?? ns.get(prefix), local: name.slice(i + 1), value, known: false });
    }
  }
  return found;
}

/** The value of attribute `local` of namespace `uri` on `el`, typed or raw, as a string; undefined when absent. */
export function vendorAttr(el: ModdleElement, uri: string, local: string): string | undefined {
  const hit = vendorAttributes(el).find((a) => a.uri === uri && a.local === local);
  return hit === undefined || hit.value === null ? undefined : String(hit.value);
}

/**
 * Whether `el` is the extension element `local` of namespace `uri`: typed (`camunda:In`, its descriptor's name) or
 * raw (`cam:in`, by the document's prefix). Local names compare without case: descriptors capitalise, XML does not.
 */
export function isVendorElement(el: ModdleElement, uri: string, local: string): boolean {
  const type = String(el.$type);
  const i = type.indexOf(':');
  if (i < 0) return false;
  const prefix = type.slice(0, i);
  const found = DESCRIPTOR_URIS[prefix] ?? namespaces(el).get(prefix);
  return found === uri && type.slice(i + 1).toLowerCase() === local.toLowerCase();
}

/** The namespace URI of an element's type (typed or raw), or undefined for a prefix nothing declares. */
export function elementNamespace(el: ModdleElement): string | undefined {
  const type = String(el.$type);
  const prefix = type.slice(0, Math.max(type.indexOf(':'), 0));
  return DESCRIPTOR_URIS[prefix] ?? namespaces(el).get(prefix);
}

/** The values of an element's `extensionElements`. */
export function extensionValues(el: ModdleElement): ModdleElement[] {
  return ((el.extensionElements as ModdleElement | undefined)?.values as ModdleElement[] | undefined) ?? [];
}
