// bpmn-elements 17 declares its sub-path exports inside its index typings, where TypeScript does not find them;
// the one behaviour the join override reuses is declared here.
declare module 'bpmn-elements/gateways' {
  /** The upstream inclusive gateway behaviour: completes at once and lets the activity evaluate outgoing conditions. */
  export const InclusiveGatewayBehaviour: new (activity: unknown, context: unknown) => { execute(executeMessage: unknown): void };
}
