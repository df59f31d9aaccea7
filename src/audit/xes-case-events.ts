// What the engine did in a case beyond its steps (a message delivered, a signal received) as XES events of the
// case's trace, read from the audit trail: the export's rows are task rows, these have no task.
import type { Knex } from 'knex';
import { fromJson } from '../db/json.js';

/** Audit event types that become events of their case's trace in the XES export, beside its steps. */
export const XES_CASE_EVENT_TYPES: readonly string[] = ['message.delivered', 'signal.received'];

/** One such event: when (ISO 8601 UTC), its type, the element that caught it, who sent it and the message's name. */
export interface CaseEvent {
  at: string;
  type: string;
  elementId: string | null;
  userId: string | null;
  name: string | null;
}

interface CaseEventRow {
  instance_id: string;
  at: string;
  type: string;
  element_id: string | null;
  user_id: string | null;
  data: string | null;
}

/** The case events of `instanceIds`, by instance, in chain order; one query (the audit trail's instance index). */
export async function readCaseEvents(knex: Knex, instanceIds: readonly string[]): Promise<Map<string, CaseEvent[]>> {
  const byInstance = new Map<string, CaseEvent[]>();
  if (instanceIds.length === 0) return byInstance;
  const rows = (await knex('audit_events')
    .select('instance_id', 'at', 'type', 'element_id', 'user_id', 'data')
    .whereIn('instance_id', [...instanceIds])
    .whereIn('type', [...XES_CASE_EVENT_TYPES])
    .orderBy('seq')) as CaseEventRow[];
  for (const row of rows) {
    const data = fromJson<Record<string, unknown>>(row.data, {});
    const event: CaseEvent = { at: row.at, type: row.type, elementId: row.element_id, userId: row.user_id, name: typeof data.name === 'string' ? data.name : null };
    byInstance.set(row.instance_id, [...(byInstance.get(row.instance_id) ?? []), event]);
  }
  return byInstance;
}
