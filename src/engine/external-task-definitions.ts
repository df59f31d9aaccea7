// Service, send and business-rule tasks run here only as external tasks: a worker outside the service fetches, locks
// and completes them over Camunda 7's REST protocol (/engine-rest). This module reads what makes a task external —
// Camunda 7's `camunda:type="external" camunda:topic="…" camunda:taskPriority="…"`, Camunda 8's
// `zeebe:taskDefinition type="…" retries="…"` — and says why a task that is not one is refused.
import type { ModdleElement } from 'bpmn-moddle';
import type { ElementProblem } from '../errors.js';
import { EXTERNAL_TASK_TYPES } from './supported-elements.js';
import { CAMUNDA_NS, extensionValues, isVendorElement, vendorAttr, ZEEBE_NS } from './vendor-attributes.js';
import { isVendorExpression } from './vendor-expression.js';

/** What a deployed version says of one external task: the topic workers fetch it by, its priority and retries. */
export interface ExternalTaskDefinition {
  elementId: string;
  /** The element's name (its id when unnamed): what a send task's message says was done. */
  name: string;
  /** The Camunda 7 topic, or the Camunda 8 job type. */
  topic: string;
  /** `camunda:taskPriority` (Camunda 7, default 0): fetchAndLock with usePriority hands out higher first. */
  priority: number;
  /**
   * Retries the task starts with: Camunda 8's `zeebe:taskDefinition retries`; null for Camunda 7, where a task has no
   * retries until its worker reports a failure (Camunda 7 user guide, "External Tasks", reporting task failure).
   */
  retries: number | null;
  /**
   * The activity's `camunda:properties` (Camunda 7's extension properties, which fetchAndLock gives a worker that
   * asks for them) or `zeebe:properties`, by name: settings for the worker, such as a send task's recipients.
   */
  properties: Record<string, string>;
}

/** The name/value properties of an element (`camunda:properties/camunda:property`, `zeebe:properties/zeebe:property`). */
export function extensionProperties(el: ModdleElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const holder of extensionValues(el).filter((v) => isVendorElement(v, CAMUNDA_NS, 'properties') || isVendorElement(v, ZEEBE_NS, 'properties'))) {
    const entries = [...((holder.values as ModdleElement[] | undefined) ?? []), ...((holder.properties as ModdleElement[] | undefined) ?? []), ...((holder.$children as ModdleElement[] | undefined) ?? [])];
    for (const p of entries) if (typeof p.name === 'string' && p.name.trim() && typeof p.value === 'string') out[p.name.trim()] = p.value;
  }
  return out;
}

/** The longest topic name stored (external_tasks.topic). */
export const MAX_TOPIC_LENGTH = 200;

const short = (type: string): string => type.replace('bpmn:', '').replace(/Task$/, ' task').toLowerCase().replace('businessrule', 'business-rule');

/** Why a task with one of these attributes is refused (the lockdown names code attributes on its own). */
function refusedImplementation(el: ModdleElement): string | undefined {
  if (vendorAttr(el, CAMUNDA_NS, 'decisionRef') !== undefined) return 'DMN decisions (camunda:decisionRef) are not evaluated here: make it an external task a worker decides';
  if (extensionValues(el).some((v) => isVendorElement(v, CAMUNDA_NS, 'connector'))) return 'connectors (camunda:connector) are not run here: make it an external task a worker serves';
  if (extensionValues(el).some((v) => isVendorElement(v, ZEEBE_NS, 'calledDecision'))) return 'DMN decisions (zeebe:calledDecision) are not evaluated here: make it an external task a worker decides';
  return undefined;
}

function literalTopic(text: string | undefined, attribute: string): { topic?: string; problem?: string } {
  const topic = text?.trim();
  if (!topic) return { problem: `${attribute} is empty` };
  if (isVendorExpression(topic)) return { problem: `${attribute} must be a literal topic name, not '${topic}'` };
  if (topic.length > MAX_TOPIC_LENGTH) return { problem: `${attribute} is longer than ${MAX_TOPIC_LENGTH} characters` };
  return { topic };
}

/** A non-negative integer attribute, or the problem with it; `fallback` when absent. */
function count(text: string | undefined, attribute: string, fallback: number | null): { value: number | null; problem?: string } {
  if (text === undefined || text.trim() === '') return { value: fallback };
  if (!/^\s*\d{1,9}\s*$/.test(text)) return { value: fallback, problem: `${attribute} must be a whole number, not '${text}'` };
  return { value: Number(text) };
}

/**
 * Reads one service, send or business-rule task: its external-task definition, or the problem that refuses it
 * (not external, an empty or computed topic, a bad priority or retries, a DMN decision or connector).
 */
export function readExternalTask(el: ModdleElement): { definition?: ExternalTaskDefinition; problem?: string } {
  const elementId = String(el.id);
  const name = typeof el.name === 'string' && el.name.trim() ? el.name.trim() : elementId;
  const what = short(String(el.$type));
  const refused = refusedImplementation(el);
  if (refused) return { problem: `${el.$type}: ${refused}` };
  const zeebe = extensionValues(el).find((v) => isVendorElement(v, ZEEBE_NS, 'taskDefinition'));
  if (zeebe) {
    const { topic, problem } = literalTopic(typeof zeebe.type === 'string' ? zeebe.type : vendorAttr(zeebe, ZEEBE_NS, 'type'), 'zeebe:taskDefinition type');
    const retries = count(zeebe.retries === undefined ? undefined : String(zeebe.retries), 'zeebe:taskDefinition retries', null);
    const trouble = problem ?? retries.problem;
    if (trouble || !topic) return { problem: `${el.$type}: ${trouble}` };
    return { definition: { elementId, name, topic, priority: 0, retries: retries.value, properties: extensionProperties(el) } };
  }
  if (vendorAttr(el, CAMUNDA_NS, 'type') !== 'external') {
    return { problem: `${el.$type}: a ${what} runs here only as an external task: give it camunda:type="external" and camunda:topic, or zeebe:taskDefinition type` };
  }
  const { topic, problem } = literalTopic(vendorAttr(el, CAMUNDA_NS, 'topic'), 'camunda:topic');
  const priority = count(vendorAttr(el, CAMUNDA_NS, 'taskPriority'), 'camunda:taskPriority', 0);
  const trouble = problem ?? priority.problem;
  if (trouble || !topic) return { problem: `${el.$type}: ${trouble}` };
  return { definition: { elementId, name, topic, priority: priority.value ?? 0, retries: null, properties: extensionProperties(el) } };
}

/** Every external task of a parsed diagram, by element id, and the problems of the tasks that cannot be one. */
export function readExternalTasks(elements: Record<string, ModdleElement>): { tasks: Record<string, ExternalTaskDefinition>; problems: ElementProblem[] } {
  const tasks: Record<string, ExternalTaskDefinition> = {};
  const problems: ElementProblem[] = [];
  for (const el of Object.values(elements)) {
    if (!EXTERNAL_TASK_TYPES.has(String(el.$type))) continue;
    const { definition, problem } = readExternalTask(el);
    if (definition) tasks[definition.elementId] = definition;
    if (problem) problems.push({ elementId: String(el.id), message: problem });
  }
  return { tasks, problems };
}
