// The messages, signals and conditions running cases wait for; knows nothing of HTTP. Each case's rows are kept
// equal to what its engine waits for by every run's transaction (case-runs.ts) and removed when the case ends.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { EventWait } from '../engine/event-waits.js';

/** One wait of one running case, as stored. Times are ISO 8601 UTC. */
export interface EventSubscription {
  id: string;
  instanceId: string;
  definitionKey: string;
  version: number;
  kind: EventWait['kind'];
  /** The message's or signal's name; a condition's element id. */
  name: string;
  elementId: string;
  executionId: string;
  businessKey: string | null;
  createdAt: string;
}

interface SubscriptionRow {
  id: string;
  instance_id: string;
  definition_key: string;
  version: number;
  kind: EventWait['kind'];
  name: string;
  element_id: string;
  execution_id: string;
  business_key: string | null;
  created_at: string;
}

function toSubscription(row: SubscriptionRow): EventSubscription {
  return {
    id: row.id,
    instanceId: row.instance_id,
    definitionKey: row.definition_key,
    version: Number(row.version),
    kind: row.kind,
    name: row.name,
    elementId: row.element_id,
    executionId: row.execution_id,
    businessKey: row.business_key,
    createdAt: row.created_at,
  };
}

/** The case a subscription belongs to, as a run knows it. */
export interface SubscribingCase {
  id: string;
  definitionKey: string;
  version: number;
  businessKey: string | null;
}

const sameWait = (row: SubscriptionRow, wait: EventWait): boolean => row.execution_id === wait.executionId && row.element_id === wait.elementId;

export function eventSubscriptionsRepository(knex: Knex) {
  return {
    /**
     * Makes the case's stored subscriptions equal `waits` inside the run's transaction: rows of waits that ended are
     * deleted, new waits inserted (created `at`, ISO 8601), rows of waits still open kept with their creation time.
     * `hadWaits`: whether the case waited for anything before the run; a case that waited for nothing before and
     * after costs no statement.
     */
    async sync(trx: Knex.Transaction, instance: SubscribingCase, waits: readonly EventWait[], at: string, hadWaits: boolean): Promise<void> {
      if (!hadWaits && waits.length === 0) return;
      if (waits.length === 0) {
        await trx('event_subscriptions').where({ instance_id: instance.id }).delete();
        return;
      }
      const stored = hadWaits ? ((await trx('event_subscriptions').select('*').where({ instance_id: instance.id })) as SubscriptionRow[]) : [];
      const ended = stored.filter((row) => !waits.some((w) => sameWait(row, w))).map((row) => row.id);
      if (ended.length > 0) await trx('event_subscriptions').whereIn('id', ended).delete();
      const fresh = waits.filter((w) => !stored.some((row) => sameWait(row, w)));
      if (fresh.length === 0) return;
      const rows: SubscriptionRow[] = fresh.map((w) => ({
        id: randomUUID(),
        instance_id: instance.id,
        definition_key: instance.definitionKey,
        version: instance.version,
        kind: w.kind,
        name: w.name,
        element_id: w.elementId,
        execution_id: w.executionId,
        business_key: instance.businessKey,
        created_at: at,
      }));
      await trx('event_subscriptions').insert(rows);
    },
    /** Deletes every subscription of a case that ends without a run (cancelled). */
    async deleteForInstance(trx: Knex.Transaction, instanceId: string): Promise<void> {
      await trx('event_subscriptions').where({ instance_id: instanceId }).delete();
    },
    /** The waits for one message or signal name, oldest first; with `businessKey`, only the cases started with it. */
    async waiting(kind: EventWait['kind'], name: string, businessKey?: string, trx: Knex = knex): Promise<EventSubscription[]> {
      const q = trx('event_subscriptions').select('*').where({ kind, name });
      if (businessKey !== undefined) q.where({ business_key: businessKey });
      const rows = (await q.orderBy('created_at').orderBy('id')) as SubscriptionRow[];
      return rows.map(toSubscription);
    },
    /** A case's subscriptions, oldest first. */
    async forInstance(instanceId: string, trx: Knex = knex): Promise<EventSubscription[]> {
      const rows = (await trx('event_subscriptions').select('*').where({ instance_id: instanceId }).orderBy('created_at').orderBy('id')) as SubscriptionRow[];
      return rows.map(toSubscription);
    },
  };
}

export type EventSubscriptionsRepository = ReturnType<typeof eventSubscriptionsRepository>;
