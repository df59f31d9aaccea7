// The gateway element types every engine here is built with, passed through bpmn-engine's `elements` option.
import { InclusiveGatewayBehaviour } from 'bpmn-elements/gateways';
import { JoinActivity } from './join-activity.js';

interface OutboundFlow {
  id: string;
}

interface GatewayActivity {
  readonly outbound: readonly OutboundFlow[];
  readonly broker: { publish(exchange: string, routingKey: string, content: object): unknown };
}

/**
 * A parallel gateway takes every outgoing flow: conditions on them are ignored, as Camunda 7 does (a parallel
 * gateway does not evaluate conditions, BPMN 2.0 §13.3.2). bpmn-elements' Activity takes exactly the flows
 * listed in the completed message's `outbound` instead of evaluating conditions.
 */
export class TakeEveryFlowBehaviour {
  constructor(private readonly activity: GatewayActivity) {}

  execute(executeMessage: { content: object }): void {
    const outbound = this.activity.outbound.map((flow) => ({ id: flow.id, action: 'take' }));
    this.activity.broker.publish('execution', 'execute.completed', { ...executeMessage.content, outbound });
  }
}

/** `bpmn:ParallelGateway`: bpmn-elements builds every element with `new Type(activityDef, context)`. */
export function ParallelGateway(activityDef: object, context: ConstructorParameters<typeof JoinActivity>[2]): JoinActivity {
  // isParallelGateway keeps upstream's isParallelJoin flag on the join's messages.
  return new JoinActivity(TakeEveryFlowBehaviour, { ...activityDef, isParallelGateway: true }, context, 'parallel');
}

/** `bpmn:InclusiveGateway`: upstream's behaviour evaluates outgoing conditions; the activity joins incoming tokens. */
export function InclusiveGateway(activityDef: object, context: ConstructorParameters<typeof JoinActivity>[2]): JoinActivity {
  return new JoinActivity(InclusiveGatewayBehaviour, activityDef, context, 'inclusive');
}

/** Spread over bpmn-engine's `elements` option, which bpmn-engine 25 merges over the bpmn-elements exports. */
export const gatewayElements = { ParallelGateway, InclusiveGateway };
