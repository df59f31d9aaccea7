// A bpmn-elements Activity whose converging side waits for taken tokens, as BPMN 2.0 §13.3 and Camunda 7 do.
//
// bpmn-elements 17 joins by dead-path elimination: a parallel join counts discards like tokens, once per source
// element, and an inclusive gateway does not join at all. Fixed upstream in bpmn-elements 18
// (https://github.com/paed01/bpmn-engine/issues/200, https://github.com/paed01/bpmn-elements/issues/44 and
// https://github.com/paed01/bpmn-elements/issues/45); remove this override when bpmn-elements 18 installs.
//
// What it relies on in bpmn-elements 17.3 (src/activity/Activity.js), all of which upstream's own parallel join uses:
// arrivals queue in the broker's `inbound-q` (filled by _onInboundEvent), the activity consumes that queue in
// `_consumeInbound` under the consumer tag `_run-on-inbound` and starts with `run({ inbound })`; `Symbol.for('activated')`
// marks an activated element. Unacknowledged arrivals stay in `inbound-q`, which getState/recover persist, so the
// queue is the join's whole state and a recovered engine rebuilds it by redelivery.
import { Activity } from 'bpmn-elements';
import { elementsReaching, type DefinitionGraph } from './join-reach.js';

/** `parallel`: a taken token on every incoming flow. `inclusive`: also fires once no token elsewhere can still arrive. */
export type JoinRule = 'parallel' | 'inclusive';

interface InboundMessage {
  fields: { routingKey: string };
  content: { id: string; [key: string]: unknown };
  readonly pending: boolean;
  ack(): void;
}

type MessageHandler = (routingKey: string, message: InboundMessage) => void;

interface ElementBroker {
  getQueue(name: 'inbound-q'): { readonly messages: readonly InboundMessage[]; assertConsumer(onMessage: MessageHandler, options: object): unknown };
  cancel(consumerTag: string): void;
  subscribeTmp(exchange: 'event', pattern: string, onMessage: () => void, options: { noAck: true; consumerTag: string }): unknown;
  publish(exchange: string, routingKey: string, content: object, properties?: object): unknown;
}

interface SequenceFlowElement {
  id: string;
  broker: ElementBroker;
  createMessage(override: object): object;
}

interface ElementInstance {
  readonly id: string;
  readonly status?: string;
  readonly broker: ElementBroker;
}

interface ContextInstance {
  definitionContext: DefinitionGraph;
  getActivityById(id: string): ElementInstance | null;
}

/** The members of bpmn-elements' Activity this subclass reads or overrides. */
interface UpstreamActivity extends ElementInstance {
  readonly context: ContextInstance;
  readonly inbound: SequenceFlowElement[];
  activate(): unknown;
  deactivate(): void;
  run(runContent: object): void;
  _consumeInbound(): unknown;
}

type ActivityConstructor = new (Behaviour: unknown, activityDef: object, context: ContextInstance) => UpstreamActivity;

const RUN_ON_INBOUND = '_run-on-inbound';
const kActivated = Symbol.for('activated');
const DISCARDS = new Set(['flow.discard', 'activity.discard']);

/** True while an element holds a live token: running other than as a discard, or with a token queued to enter it. */
function holdsToken(element: ElementInstance): boolean {
  const status = element.status;
  if (status && status !== 'discard' && status !== 'discarded') return true;
  return element.broker.getQueue('inbound-q').messages.some((m) => !DISCARDS.has(m.fields.routingKey));
}

/**
 * A gateway activity that, with more than one incoming flow, joins: it fires once every incoming flow holds a taken
 * token (`parallel`, §13.3.2) or once no token that could still reach it is left in its scope (`inclusive`, §13.3.3,
 * Camunda 7's InclusiveGatewayActivityBehavior). It consumes one token per flow; surplus tokens wait for the next
 * activation. Discards are acknowledged and never counted. With one incoming flow it is bpmn-elements' Activity.
 */
export class JoinActivity extends (Activity as unknown as ActivityConstructor) {
  readonly joinRule: JoinRule;
  private readonly inboundFlowIds: ReadonlySet<string>;
  private readonly tokenSources: ReadonlySet<string>;
  private readonly onArrival: MessageHandler = (routingKey, message) => this.onJoinInbound(routingKey, message);
  private readonly onTokenMoved = () => this.fireIfReady();

  constructor(Behaviour: unknown, activityDef: object, context: ContextInstance, joinRule: JoinRule) {
    super(Behaviour, activityDef, context);
    this.joinRule = joinRule;
    this.inboundFlowIds = new Set(this.inbound.map((flow) => flow.id));
    const watches = joinRule === 'inclusive' && this.isJoin;
    this.tokenSources = watches ? elementsReaching(context.definitionContext, this.id) : new Set();
  }

  /** More than one incoming flow: only then does the gateway converge; with one it passes each token on. */
  get isJoin(): boolean {
    return this.inboundFlowIds.size > 1;
  }

  override activate(): unknown {
    const consuming = super.activate();
    this.watchTokenSources();
    return consuming;
  }

  override deactivate(): void {
    super.deactivate();
    for (const element of this.sourceElements()) element.broker.cancel(this.watchTag);
  }

  /** Keeps every arrival unacknowledged in inbound-q; prefetch lets the consumer hold them all, as upstream's join does. */
  override _consumeInbound(): unknown {
    if (!this.isJoin) return super._consumeInbound();
    if (!Reflect.get(this, kActivated) || this.status) return undefined;
    return this.broker.getQueue('inbound-q').assertConsumer(this.onArrival, { consumerTag: RUN_ON_INBOUND, prefetch: 1000 });
  }

  private get watchTag(): string {
    return `_join-watch-${this.id}`;
  }

  private sourceElements(): ElementInstance[] {
    const elements: ElementInstance[] = [];
    for (const id of this.tokenSources) {
      const element = this.context.getActivityById(id);
      if (element) elements.push(element);
    }
    return elements;
  }

  /** An inclusive join re-decides whenever a token leaves an element that could reach it: it may have gone elsewhere. */
  private watchTokenSources(): void {
    for (const element of this.sourceElements()) {
      element.broker.cancel(this.watchTag);
      element.broker.subscribeTmp('event', 'activity.leave', this.onTokenMoved, { noAck: true, consumerTag: this.watchTag });
    }
  }

  private onJoinInbound(routingKey: string, message: InboundMessage): void {
    if (routingKey !== 'flow.take') this.dropDiscard(message);
    this.fireIfReady();
  }

  /**
   * A discard is no token. The process keeps each flow event pending until an element consumes it; 'flow.looped' is
   * how bpmn-elements itself ends a discard that goes no further (SequenceFlow.discard), so the process can complete.
   */
  private dropDiscard(message: InboundMessage): void {
    message.ack();
    const flow = this.inbound.find((f) => f.id === message.content.id);
    flow?.broker.publish('event', 'flow.looped', flow.createMessage({ ...message.content, action: 'looped' }), { type: 'looped' });
  }

  /** The first taken token waiting on each incoming flow, read from the consumer's unacknowledged messages. */
  private arrivedTokens(): Map<string, InboundMessage> {
    const arrived = new Map<string, InboundMessage>();
    for (const message of this.broker.getQueue('inbound-q').messages) {
      if (!message.pending || message.fields.routingKey !== 'flow.take' || arrived.has(message.content.id)) continue;
      arrived.set(message.content.id, message);
    }
    return arrived;
  }

  private tokenMayArrive(): boolean {
    return this.sourceElements().some(holdsToken);
  }

  private fireIfReady(): void {
    if (this.status || !Reflect.get(this, kActivated)) return;
    const arrived = this.arrivedTokens();
    if (arrived.size === 0) return;
    if (arrived.size < this.inboundFlowIds.size && (this.joinRule === 'parallel' || this.tokenMayArrive())) return;
    const consumed = [...arrived.values()];
    for (const message of consumed) message.ack();
    // Cancelling requeues the surplus; run.next consumes inbound-q again once the join has left.
    this.broker.cancel(RUN_ON_INBOUND);
    this.run({ inbound: consumed.map((message) => ({ ...message.content })) });
  }
}
