// A decision (exclusive or inclusive gateway) the case's values leave without a flow fails with a typed error that
// names the gateway and the variables its conditions read, instead of bpmn-elements' generic "no conditional flow taken".
import { ActivityError } from 'bpmn-elements';
import { expressionReads } from '../expressions.js';

interface OutboundFlow {
  id: string;
  isDefault?: boolean;
  behaviour?: { conditionExpression?: { body?: unknown } };
  evaluate(message: object, callback: (err: unknown, result?: unknown) => void): unknown;
}

/** The members of bpmn-elements' Activity a decision's behaviour reads. */
export interface DecisionActivity {
  readonly id: string;
  readonly outbound: readonly OutboundFlow[];
  readonly broker: { publish(exchange: string, routingKey: string, content: object): unknown };
}

interface ExecuteMessage {
  content: object;
}

/** The values of a case leave decision `elementId` no flow to take; `variables` are the names its conditions read. */
export class NoPathTaken extends Error {
  constructor(
    readonly elementId: string,
    readonly variables: string[],
  ) {
    super(`decision ${elementId} has no flow to take for the values of ${variables.length > 0 ? variables.join(', ') : 'this case'}`);
    this.name = 'NoPathTaken';
  }
}

/** The variable names the conditions of a decision's outgoing flows read, in flow order, once each. */
function conditionReads(flows: readonly OutboundFlow[]): string[] {
  const names = new Set<string>();
  for (const flow of flows) {
    const body = flow.behaviour?.conditionExpression?.body;
    if (typeof body === 'string') for (const name of expressionReads(body)) names.add(name);
  }
  return [...names];
}

/**
 * Whether no outgoing flow would be taken: none is the default and every condition evaluates false, through each
 * flow's own `evaluate` (the conditions bpmn-elements' outbound evaluator runs next). A condition that fails to
 * evaluate counts as a possible path: the evaluator reports that failure itself.
 */
function leavesNoPath(flows: readonly OutboundFlow[], message: ExecuteMessage): boolean {
  if (flows.length === 0) return false;
  return flows.every((flow) => {
    if (flow.isDefault) return false;
    let taken = true;
    flow.evaluate({ ...message, content: { ...message.content } }, (err, result) => {
      taken = err !== null && err !== undefined ? true : Boolean(result);
    });
    return !taken;
  });
}

/**
 * Runs before a decision's own behaviour: when no flow would be taken, the activity fails with an ActivityError whose
 * `inner` is a NoPathTaken; otherwise `proceed` runs the upstream behaviour, which takes the flows.
 */
export function checkDecisionPath(activity: DecisionActivity, executeMessage: ExecuteMessage, proceed: () => void): void {
  if (!leavesNoPath(activity.outbound, executeMessage)) return proceed();
  const reason = new NoPathTaken(activity.id, conditionReads(activity.outbound));
  const error = new ActivityError(reason.message, executeMessage, reason);
  activity.broker.publish('execution', 'execute.error', { ...executeMessage.content, error });
}
