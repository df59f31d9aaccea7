// Tells bpmn-engine where a multi-instance activity's collection and element variable are, for diagrams that say so
// in Camunda's attributes or in the standard's data references, which bpmn-engine's serializer does not read.
import type { ModdleElement } from 'bpmn-moddle';
import { CAMUNDA_NS, vendorAttr } from './vendor-attributes.js';

/** Where a multi-instance loop takes its items from: a `${…}` over case variables and the name each item gets. */
export interface LoopSource {
  collection?: string;
  elementVariable?: string;
}

/**
 * The collection and element variable of a `bpmn:multiInstanceLoopCharacteristics`, read from
 * `camunda:collection`/`camunda:elementVariable` (Camunda 7) or from `loopDataInputRef` (the case variable named by
 * the referenced data object's name, else its id) and `inputDataItem` (its name, else its id) of BPMN 2.0 §10.2.8.
 * Empty for a loop over a cardinality only.
 */
export function loopSource(loop: ModdleElement): LoopSource {
  const source: LoopSource = {};
  const ref = loop.loopDataInputRef as ModdleElement | undefined;
  const refName = typeof ref?.name === 'string' && ref.name ? ref.name : ref?.id;
  const collection = vendorAttr(loop, CAMUNDA_NS, 'collection') ?? (refName ? `\${${refName}}` : undefined);
  if (collection) source.collection = /^\s*\$\{/.test(collection) ? collection : `\${${collection}}`;
  const item = loop.inputDataItem as ModdleElement | undefined;
  const elementVariable = vendorAttr(loop, CAMUNDA_NS, 'elementVariable') ?? (typeof item?.name === 'string' && item.name ? item.name : item?.id);
  if (elementVariable) source.elementVariable = String(elementVariable);
  return source;
}

/**
 * Writes each multi-instance loop's LoopSource onto the parsed diagram as plain properties, which bpmn-engine's
 * serializer copies into the loop's behaviour (`collection`, `elementVariable`, as bpmn-elements reads them).
 * Mutates `elementsById`'s elements; call once per parse, before the engine serializes it.
 */
export function exposeLoopSources(elementsById: Record<string, ModdleElement>): void {
  for (const el of Object.values(elementsById)) {
    const loop = el.loopCharacteristics as ModdleElement | undefined;
    if (loop?.$type !== 'bpmn:MultiInstanceLoopCharacteristics') continue;
    Object.assign(loop, loopSource(loop));
  }
}
