// A diagram's meaning as one text: parsed and serialised again, so that the order of namespace declarations and
// attributes, and the blanks between elements, do not make two versions of one diagram.
import { createHash } from 'node:crypto';
import type { ModdleElement } from 'bpmn-moddle';
import { parseBpmn } from './bpmn-parser.js';

/** Properties whose text is content: their leading and trailing blanks are layout, not meaning. */
const TEXT_PROPERTIES = ['body', 'text'];

/** Re-inserts the keys of `obj` that `which` selects in name order (serialisers write keys in insertion order). */
function sortKeys(obj: Record<string, unknown>, which: (key: string, value: unknown) => boolean): void {
  const sorted = Object.keys(obj)
    .filter((k) => which(k, obj[k]))
    .sort()
    .map((k) => [k, obj[k]] as const);
  for (const [k] of sorted) delete obj[k];
  for (const [k, v] of sorted) obj[k] = v;
}

/**
 * Puts a parsed tree in canonical form, in place: unknown attributes (vendor attributes, namespace declarations) in
 * name order, text content without surrounding blanks. Known attributes are written in their descriptor's order by
 * the serialiser whatever their order in the source. Walks containment only (references are not children).
 */
function normalise(el: ModdleElement, seen = new Set<ModdleElement>()): void {
  if (seen.has(el)) return;
  seen.add(el);
  const attrs = el.$attrs as Record<string, string> | undefined;
  if (attrs) sortKeys(attrs, () => true);
  // An element of a namespace no descriptor knows keeps its attributes as own properties, written in their order.
  if ((el.$descriptor as { isGeneric?: boolean } | undefined)?.isGeneric) sortKeys(el, (k, v) => !k.startsWith('$') && typeof v === 'string');
  for (const key of TEXT_PROPERTIES) if (typeof el[key] === 'string') el[key] = (el[key] as string).trim();
  for (const [key, value] of Object.entries(el)) {
    if (key.startsWith('$') && key !== '$children') continue;
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof child === 'object' && typeof (child as ModdleElement).$type === 'string' && (child as ModdleElement).$parent === el) normalise(child as ModdleElement, seen);
    }
  }
}

/**
 * The canonical text of a diagram: parsed by bpmn-moddle, normalised and serialised without formatting. Two texts
 * that differ only in the order of namespace declarations or attributes, or in blanks between elements and around
 * text, have the same canonical text; a moved shape (DI bounds) or any changed value does not. Throws
 * InvalidBpmnError for a text that does not parse.
 */
export async function canonicalDiagram(xml: string): Promise<string> {
  const parsed = await parseBpmn(xml);
  normalise(parsed.definitions);
  const model = parsed.definitions.$model as { toXML(el: ModdleElement, options: object): Promise<{ xml: string }> };
  return (await model.toXML(parsed.definitions, { format: false })).xml;
}

/** The SHA-256 (hex) of a diagram's canonical text. */
export async function canonicalDigest(xml: string): Promise<string> {
  return createHash('sha256').update(await canonicalDiagram(xml), 'utf8').digest('hex');
}
