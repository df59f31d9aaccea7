// bpmn-elements 17 declares its sub-path exports inside its index typings, where TypeScript does not find them;
// the start event behaviour the start selection (engine/event-waits.ts) wraps is declared here.
declare module 'bpmn-elements/events' {
  /** The upstream start event behaviour: runs its event definitions, or completes at once when it has none. */
  export const StartEventBehaviour: new (activity: unknown) => { execute(executeMessage: unknown): void };
}
