// Reads a process's flow elements at every depth: embedded and event sub-processes hold flow elements of their own.
import type { ModdleElement } from 'bpmn-moddle';

/** The flow elements of a process or sub-process and, depth first, of every sub-process inside it. */
export function flowElementsDeep(container: ModdleElement, into: ModdleElement[] = []): ModdleElement[] {
  for (const el of (container.flowElements as ModdleElement[] | undefined) ?? []) {
    into.push(el);
    if (el.flowElements) flowElementsDeep(el, into);
  }
  return into;
}
