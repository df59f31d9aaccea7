// The one declared length of each stored string: checked at the boundary, so both databases store the same values.

/**
 * Most characters (Unicode code points, as PostgreSQL's varchar(n) counts them) each stored string may have.
 * SQLite ignores declared column lengths and PostgreSQL refuses a longer value with an error, so a value over its
 * limit is refused with a 4xx naming it before it reaches either. Each limit is the column's width (migrations/)
 * unless noted.
 */
export const TEXT_LIMITS = {
  /** The SOP key (process id): Fastify's default maxParamLength, so every `/definitions/:key` route can name it. */
  definitionKey: 100,
  /** The process's name (definitions.name). */
  definitionName: 500,
  /**
   * Any element id of a diagram: tasks.element_id is 200 wide, and bpmn-engine's execution ids (tasks.execution_id,
   * 200) are the element id, `_`, 10 hex digits and, in a multi-instance activity, `_` and the iteration.
   */
  elementId: 150,
  /** A task's name (tasks.name). */
  taskName: 2000,
  /** The step number as the sheet prints it (tasks.step, audit_events.step). */
  stepLabel: 50,
  /** A role id (tasks.role, audit_events.role, delegations.role). */
  role: 200,
  /** A kelengkapan or output name: what `POST /tasks/:id/complete` accepts, or the step could never be completed. */
  documentName: 500,
  /** A form field's name: what a completion's `variables` key may be. */
  formFieldName: 100,
  /** instances.business_key. */
  businessKey: 200,
  /** attachments.name. */
  attachmentName: 500,
  /** A message's or signal's name (event_subscriptions.name): what `POST /messages` and `POST /signals` accept. */
  messageName: 500,
} as const;

export type TextLimitName = keyof typeof TEXT_LIMITS;

/** The length PostgreSQL's varchar counts: code points, not UTF-16 units. */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** A message for a value over its limit, or undefined when it fits. */
export function overLimit(text: string, limit: TextLimitName, what: string): string | undefined {
  const max = TEXT_LIMITS[limit];
  return text.length > max && charCount(text) > max ? `${what} has ${charCount(text)} characters; at most ${max} are accepted` : undefined;
}
