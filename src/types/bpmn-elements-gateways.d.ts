// bpmn-elements 17 declares its sub-path exports inside its index typings, where TypeScript does not find them;
// the behaviours the gateway overrides reuse are declared here.
declare module 'bpmn-elements/gateways' {
  /** The upstream inclusive gateway behaviour: completes at once and lets the activity evaluate outgoing conditions. */
  /** The upstream exclusive gateway behaviour: completes at once and lets the activity take the first true flow. */
  export const ExclusiveGatewayBehaviour: new (activity: unknown, context: unknown) => { execute(executeMessage: unknown): void };
  export const InclusiveGatewayBehaviour: new (activity: unknown, context: unknown) => { execute(executeMessage: unknown): void };
}
