// What a diagram's text must be before it is stored: canonical (see canonical-text.ts) and within the declared limits.
import type { ModdleElement } from 'bpmn-moddle';
import type { ElementProblem } from '../errors.js';
import type { SopMetadata } from '../sop/sop-metadata.js';
import { canonicalText, textProblem, wellFormed } from '../text/canonical-text.js';
import { overLimit } from '../db/text-limits.js';

const isElement = (v: unknown): v is ModdleElement => typeof v === 'object' && v !== null && typeof (v as ModdleElement).$type === 'string';

/**
 * One problem per parsed value that is not canonical, naming the nearest element with an id. The XML arrives in NFC
 * already (deploy normalises it), so what is found here came from a character reference: `&#xD800;` (a lone
 * surrogate, which XML 1.0 does not allow either), `&#x0;`, or a combining mark that NFC would join to the
 * character before it. Refused rather than replaced, so the stored diagram is the one the owner sent.
 */
export function nonCanonicalText(root: ModdleElement): ElementProblem[] {
  const problems: ElementProblem[] = [];
  const seen = new Set<object>();
  const check = (value: string, where: string, property: string) => {
    const problem = textProblem(value) ?? (canonicalText(value) === value ? undefined : 'is not in Unicode normalization form C: write the character itself, not a character reference');
    if (problem) problems.push({ elementId: where, message: `${property} ${problem}` });
  };
  const visit = (el: ModdleElement, owner: string) => {
    if (seen.has(el)) return;
    seen.add(el);
    const where = typeof el.id === 'string' && el.id !== '' ? wellFormed(el.id) : owner;
    // Enumerable properties hold what the document says; references ($parent, sourceRef, ...) are not enumerable.
    const attrs = Object.entries((el.$attrs as Record<string, unknown> | undefined) ?? {});
    for (const [property, value] of [...Object.entries(el), ...attrs]) {
      if (property === '$type') continue;
      for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
        if (typeof item === 'string') check(item, where, property === 'text' ? 'the text' : `the attribute ${property}`);
        else if (isElement(item)) visit(item, where);
      }
    }
  };
  visit(root, 'definitions');
  return problems;
}

/** One problem per string the service stores from the diagram that is over its declared limit (text-limits.ts). */
export function overLimitText(elementIds: string[], metadata: SopMetadata): ElementProblem[] {
  const problems: ElementProblem[] = [];
  const add = (elementId: string, message: string | undefined) => {
    if (message) problems.push({ elementId, message });
  };
  for (const id of elementIds) add(id, overLimit(id, 'elementId', 'the id'));
  add(metadata.key, overLimit(metadata.name, 'definitionName', 'the process name'));
  for (const role of metadata.roles) add(role.laneId, overLimit(role.id, 'role', `the role id ${role.id.slice(0, 40)}…`));
  for (const step of metadata.steps) {
    add(step.elementId, overLimit(step.activity, 'taskName', 'the task name'));
    add(step.elementId, overLimit(step.no, 'stepLabel', 'the step label (sop:mutuBaku step)'));
    for (const name of [...step.requires, ...step.output]) add(step.elementId, overLimit(name, 'documentName', `the kelengkapan or output '${name.slice(0, 40)}…'`));
    for (const field of step.form) add(step.elementId, overLimit(field.name, 'formFieldName', `the form field name '${field.name.slice(0, 40)}…'`));
  }
  return problems;
}
