// The gateway element types every engine here is built with, passed through bpmn-engine's `elements` option.
import { Activity } from 'bpmn-elements';
import { ExclusiveGatewayBehaviour, InclusiveGatewayBehaviour } from 'bpmn-elements/gateways';
import { checkDecisionPath, type DecisionActivity } from './decision-paths.js';
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

type UpstreamBehaviour = new (activity: unknown, context: unknown) => { execute(executeMessage: unknown): void };

/** Wraps a decision's upstream behaviour so that values leaving it no flow fail with NoPathTaken (decision-paths.ts). */
function pathChecked(Upstream: UpstreamBehaviour): UpstreamBehaviour {
  return class PathCheckedBehaviour {
    private readonly upstream: { execute(executeMessage: unknown): void };
    constructor(
      private readonly activity: DecisionActivity,
      context: unknown,
    ) {
      this.upstream = new Upstream(activity, context);
    }
    execute(executeMessage: { content: object }): void {
      checkDecisionPath(this.activity, executeMessage, () => this.upstream.execute(executeMessage));
    }
  } as unknown as UpstreamBehaviour;
}

const ExclusiveDecisionBehaviour = pathChecked(ExclusiveGatewayBehaviour);
const InclusiveDecisionBehaviour = pathChecked(InclusiveGatewayBehaviour);

/** `bpmn:ExclusiveGateway`: upstream's behaviour, after the check that some flow can be taken. */
export function ExclusiveGateway(activityDef: object, context: unknown): unknown {
  return new (Activity as unknown as new (behaviour: unknown, def: object, context: unknown) => unknown)(ExclusiveDecisionBehaviour, activityDef, context);
}

/** `bpmn:ParallelGateway`: bpmn-elements builds every element with `new Type(activityDef, context)`. */
export function ParallelGateway(activityDef: object, context: ConstructorParameters<typeof JoinActivity>[2]): JoinActivity {
  // isParallelGateway keeps upstream's isParallelJoin flag on the join's messages.
  return new JoinActivity(TakeEveryFlowBehaviour, { ...activityDef, isParallelGateway: true }, context, 'parallel');
}

/** `bpmn:InclusiveGateway`: upstream's behaviour evaluates outgoing conditions; the activity joins incoming tokens. */
export function InclusiveGateway(activityDef: object, context: ConstructorParameters<typeof JoinActivity>[2]): JoinActivity {
  return new JoinActivity(InclusiveDecisionBehaviour, activityDef, context, 'inclusive');
}

/** Spread over bpmn-engine's `elements` option, which bpmn-engine 25 merges over the bpmn-elements exports. */
export const gatewayElements = { ExclusiveGateway, ParallelGateway, InclusiveGateway };
