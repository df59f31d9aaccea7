// The text fields of a confidential step are sealed and never reach the process (src/privacy): a condition,
// an option's `when` or a startsAt that reads one would silently see nothing, so such a diagram is refused.
import type { ModdleElement } from 'bpmn-moddle';
import type { ElementProblem } from '../errors.js';
import { expressionReads } from '../engine/expressions.js';
import { flowElementsDeep } from '../engine/flow-elements.js';
import type { SopMetadata } from './sop-metadata.js';

export function sealedFieldReads(process: ModdleElement, metadata: SopMetadata): ElementProblem[] {
  const sealed = new Map<string, string>();
  for (const step of metadata.steps) {
    if (!step.confidential) continue;
    for (const f of step.form) if (f.type === 'string') sealed.set(f.name, step.elementId);
  }
  if (sealed.size === 0) return [];
  const problems: ElementProblem[] = [];
  const check = (elementId: string, names: string[]) => {
    for (const name of names) {
      const step = sealed.get(name);
      if (step) problems.push({ elementId, message: `reads ${name}, a text field of confidential step ${step}: it is sealed for its author and never reaches the process` });
    }
  };
  for (const el of flowElementsDeep(process)) {
    const body = (el.conditionExpression as ModdleElement | undefined)?.body;
    if (el.$type === 'bpmn:SequenceFlow' && typeof body === 'string') check(String(el.id), expressionReads(body));
  }
  for (const step of metadata.steps) {
    if (step.startsAt) check(step.elementId, [step.startsAt]);
    for (const f of step.form) for (const o of f.options ?? []) if (o.when) check(step.elementId, expressionReads(o.when));
  }
  return problems;
}
