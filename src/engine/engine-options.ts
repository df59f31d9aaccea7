// The bpmn-engine options every engine here is built with: safe expressions, no scripts, no services, no logs, and
// the few element behaviours this service changes through bpmn-engine's `elements` seam.
import * as Elements from 'bpmn-elements';
import { gatewayElements } from './elements/gateways.js';
import { eventSubProcessElements } from './event-sub-process.js';
import { hasExpression, isExpression, expressionBody } from './safe-expression.js';
import { evaluateExpression, expressionKind } from './expressions.js';
import { startEventElements } from './event-waits.js';
import { timerElements } from './service-timers.js';

interface ExpressionContext {
  /** `settings.now`, when an engine is built with it, is the clock FEEL's `now()` and `today()` read. */
  environment?: { variables?: Record<string, unknown>; settings?: { now?: unknown } };
  content?: Record<string, unknown>;
}

/**
 * The Camunda names a multi-instance `completionCondition` reads (Camunda 7 user guide, "Multiple Instance"), made
 * from what bpmn-elements 17 puts into that condition's message content: `index` (the iteration that just ended),
 * `loopCardinality`, `isSequential` and `loopOutput` (one entry per completed iteration, holes for the others).
 * Empty for anything that is not an iteration of a loop.
 */
export function loopVariables(content: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!content?.isMultiInstance || typeof content.index !== 'number') return {};
  const instances = Number(content.loopCardinality ?? 0);
  const output = Array.isArray(content.loopOutput) ? (content.loopOutput as unknown[]) : [];
  const completed = output.filter((o) => o !== undefined).length;
  // Parallel iterations all start together (bpmn-elements' batch of 50), so the rest are still active.
  const active = content.isSequential ? 0 : Math.max(instances - completed, 0);
  return { loopCounter: content.index, nrOfInstances: instances, nrOfCompletedInstances: completed, nrOfActiveInstances: active };
}

/**
 * Replaces bpmn-elements' expression handler: JUEL `${…}` (variable reads and comparisons, never calls) and FEEL
 * `=…` through the sandbox of feel-expression.ts, both by evaluateExpression.
 */
export const safeExpressions = {
  isExpression: (text: unknown): boolean => isExpression(text) || (typeof text === 'string' && expressionKind(text) === 'feel'),
  hasExpression: (text: unknown): boolean => hasExpression(text) || (typeof text === 'string' && expressionKind(text) === 'feel'),
  resolveExpression(text: unknown, context?: ExpressionContext): unknown {
    // A loopMaximum or loopCardinality may reach here as a number already, and an absent attribute (a Camunda 8
    // call activity has no calledElement) as undefined: nothing to resolve.
    if (typeof text !== 'string') return text;
    const variables = context?.environment?.variables ?? {};
    const loop = loopVariables(context?.content);
    const now = context?.environment?.settings?.now;
    return evaluateExpression(text, Object.keys(loop).length > 0 ? { ...variables, ...loop } : variables, typeof now === 'function' ? { now: now as () => Date } : {});
  },
};

/** A script registry that never registers or returns a script, so nothing in a diagram is compiled or run. */
export const noScripts = {
  register(): undefined {
    return undefined;
  },
  getScript(): undefined {
    return undefined;
  },
};

const silent = { debug() {}, error() {}, warn() {} };

/* eslint-disable @typescript-eslint/no-explicit-any -- bpmn-elements' behaviour objects are untyped. */
/**
 * BPMN 2.0 (§10.2.8, StandardLoopCharacteristics) repeats an activity *while* `loopCondition` holds; bpmn-elements 17
 * stops the loop when it holds (it treats the condition as a completion condition). Negating the condition once here
 * gives the standard's meaning; `loopMaximum` still bounds the iterations.
 */
function StandardLoopCharacteristics(activity: any, loopCharacteristics: any): any {
  const behaviour = { ...(loopCharacteristics.behaviour ?? {}) };
  const condition: unknown = behaviour.loopCondition;
  const body = typeof condition === 'string' ? expressionBody(condition) : undefined;
  if (body !== undefined) behaviour.loopCondition = `\${!(${body})}`;
  // FEEL: the loop stops unless the condition is true (null, FEEL's error, stops it too).
  else if (typeof condition === 'string' && expressionKind(condition) === 'feel') behaviour.loopCondition = `=(${condition.trimStart().slice(1)}) != true`;
  return new (Elements as any).StandardLoopCharacteristics(activity, { ...loopCharacteristics, behaviour });
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Tasks people confirm: an untyped task waits for a signal like a user or manual task (bpmn-elements' SignalTask). */
export const humanTaskElements = { Task: Elements.SignalTask };

/**
 * Service, send and business-rule tasks are external tasks (external-task-definitions.ts): they wait, like a person's
 * task, until their worker completes them (a signal) or reports a BPMN error (an error the boundary events catch).
 * bpmn-elements' ServiceTask would call a service instead, and this service registers none.
 */
export const externalTaskElements = { ServiceTask: Elements.SignalTask, SendTask: Elements.SignalTask, BusinessRuleTask: Elements.SignalTask };

/** Loops as the BPMN standard defines them (see StandardLoopCharacteristics above). */
export const loopElements = { StandardLoopCharacteristics };

/**
 * Every engine's options. `elements` holds the behaviours this service changes, merged by bpmn-engine over the
 * default element types: gateways whose joins wait for taken tokens (elements/join-activity.ts), untyped tasks that
 * wait, external tasks that wait for their worker, loops as the standard defines them, interrupting event sub-processes (event-sub-process.ts) and durable
 * timers (service-timers.ts).
 */
export const baseEngineOptions = {
  expressions: safeExpressions,
  scripts: noScripts,
  Logger: () => silent,
  // bpmn-engine 25 spreads these over bpmn-elements' own types (`{...Elements, ...opts.elements}`), so only the
  // overridden behaviours are listed.
  elements: { ...gatewayElements, ...humanTaskElements, ...externalTaskElements, ...loopElements, ...eventSubProcessElements, ...startEventElements, ...timerElements },
};
