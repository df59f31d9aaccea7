// The external_tasks table: one row per external task a running case waits on. Rows follow each run of the case in
// that run's transaction (like event subscriptions and timer jobs); workers lock them with a conditional update that
// succeeds for one worker only, on SQLite and PostgreSQL alike.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { ExternalTaskWait } from '../engine/process-runtime.js';
import type { ExternalTaskWakeup } from './task-wakeup.js';

/** One external task as stored. Times are ISO 8601 UTC. */
export interface ExternalTaskRecord {
  id: string;
  instanceId: string;
  definitionId: string;
  definitionKey: string;
  version: number;
  elementId: string;
  executionId: string;
  topic: string;
  priority: number;
  businessKey: string | null;
  workerId: string | null;
  lockExpiration: string | null;
  /** Null until a failure is reported (Camunda 7) or the diagram's retries; 0 means an incident holds it. */
  retries: number | null;
  errorMessage: string | null;
  errorDetails: string | null;
  createdAt: string;
}

interface ExternalTaskRow {
  id: string;
  instance_id: string;
  definition_id: string;
  definition_key: string;
  version: number | string;
  element_id: string;
  execution_id: string;
  topic: string;
  priority: number | string;
  business_key: string | null;
  worker_id: string | null;
  lock_expiration: string | null;
  retries: number | string | null;
  error_message: string | null;
  error_details: string | null;
  created_at: string;
}

const toRecord = (r: ExternalTaskRow): ExternalTaskRecord => ({
  id: r.id,
  instanceId: r.instance_id,
  definitionId: r.definition_id,
  definitionKey: r.definition_key,
  version: Number(r.version),
  elementId: r.element_id,
  executionId: r.execution_id,
  topic: r.topic,
  priority: Number(r.priority),
  businessKey: r.business_key,
  workerId: r.worker_id,
  lockExpiration: r.lock_expiration,
  retries: r.retries === null ? null : Number(r.retries),
  errorMessage: r.error_message,
  errorDetails: r.error_details,
  createdAt: r.created_at,
});

/** The case a run's external tasks belong to. */
export interface ExternalTaskCase {
  id: string;
  definitionId: string;
  definitionKey: string;
  version: number;
  businessKey: string | null;
}

/** Fetchable at `now`: not locked (or its lock expired) and not held by an incident. */
const fetchable = (now: string) => (q: Knex.QueryBuilder) =>
  q.where((w) => w.whereNull('lock_expiration').orWhere('lock_expiration', '<=', now)).where((w) => w.whereNull('retries').orWhere('retries', '>', 0));

/** Which tasks a fetch asks for: a topic, narrowed to one business key or definition key when given. */
export interface FetchFilter {
  topic: string;
  businessKey?: string | null | undefined;
  definitionKey?: string | null | undefined;
}

/** Changes a task's worker may make: lock, failure, extension, unlock. */
export type ExternalTaskChanges = Partial<{ worker_id: string | null; lock_expiration: string | null; retries: number | null; error_message: string | null; error_details: string | null }>;

export function externalTasksRepository(knex: Knex, wakeup?: ExternalTaskWakeup) {
  return {
    /**
     * Makes the case's rows equal `waits` inside the run's transaction: rows of tasks no longer waited on (completed,
     * cancelled by a boundary event, terminated) are deleted, new waits inserted (created `at`). Returns the new rows.
     * Waiters are woken after the commit when there are new rows.
     */
    async sync(trx: Knex.Transaction, instance: ExternalTaskCase, waits: readonly ExternalTaskWait[], at: string): Promise<ExternalTaskRecord[]> {
      const stored = (await trx('external_tasks').select('id', 'execution_id').where({ instance_id: instance.id })) as Array<Pick<ExternalTaskRow, 'id' | 'execution_id'>>;
      const waiting = new Set(waits.map((w) => w.executionId));
      const ended = stored.filter((r) => !waiting.has(r.execution_id)).map((r) => r.id);
      if (ended.length > 0) await trx('external_tasks').whereIn('id', ended).delete();
      const known = new Set(stored.map((r) => r.execution_id));
      const rows: ExternalTaskRow[] = waits
        .filter((w) => !known.has(w.executionId))
        .map((w) => ({
          id: randomUUID(),
          instance_id: instance.id,
          definition_id: instance.definitionId,
          definition_key: instance.definitionKey,
          version: instance.version,
          element_id: w.elementId,
          execution_id: w.executionId,
          topic: w.topic,
          priority: w.priority,
          business_key: instance.businessKey,
          worker_id: null,
          lock_expiration: null,
          retries: w.retries,
          error_message: null,
          error_details: null,
          created_at: at,
        }));
      if (rows.length === 0) return [];
      await trx('external_tasks').insert(rows);
      await wakeup?.announce(trx);
      return rows.map(toRecord);
    },

    /** Deletes every external task of a case that ends without a run (cancelled). */
    async deleteForInstance(trx: Knex.Transaction, instanceId: string): Promise<void> {
      await trx('external_tasks').where({ instance_id: instanceId }).delete();
    },

    async byId(id: string, trx: Knex = knex): Promise<ExternalTaskRecord | undefined> {
      const row = (await trx('external_tasks').where({ id }).first()) as ExternalTaskRow | undefined;
      return row ? toRecord(row) : undefined;
    },

    /** A case's external tasks, oldest first. */
    async forInstance(instanceId: string, trx: Knex = knex): Promise<ExternalTaskRecord[]> {
      return ((await trx('external_tasks').where({ instance_id: instanceId }).orderBy('created_at').orderBy('id')) as ExternalTaskRow[]).map(toRecord);
    },

    /**
     * Up to `limit` tasks fetchable at `now` (ISO 8601) matching one of `topics` (its name, and its business key or
     * definition key when given): highest priority first with `usePriority`, else oldest first. Only candidates:
     * `lock` decides who gets each.
     */
    async fetchable(topics: readonly FetchFilter[], now: string, limit: number, usePriority: boolean): Promise<ExternalTaskRecord[]> {
      if (topics.length === 0 || limit <= 0) return [];
      const q = knex('external_tasks')
        .where((any) => {
          for (const t of topics) {
            any.orWhere((one) => {
              one.where({ topic: t.topic });
              if (t.businessKey) one.where({ business_key: t.businessKey });
              if (t.definitionKey) one.where({ definition_key: t.definitionKey });
            });
          }
        })
        .where(fetchable(now));
      if (usePriority) q.orderBy('priority', 'desc');
      return ((await q.orderBy('created_at').orderBy('id').limit(limit)) as ExternalTaskRow[]).map(toRecord);
    },

    /** Locks a fetchable task for `workerId` until `until`; false when another got it first or it is gone. */
    async lock(id: string, workerId: string, now: string, until: string): Promise<boolean> {
      return (await knex('external_tasks').where({ id }).where(fetchable(now)).update({ worker_id: workerId, lock_expiration: until })) === 1;
    },

    /** Changes a task that `workerId` (null: anyone) locked last; false when it is gone or another worker holds it. */
    async update(trx: Knex, id: string, workerId: string | null, changes: ExternalTaskChanges): Promise<boolean> {
      const q = trx('external_tasks').where({ id });
      if (workerId !== null) q.where({ worker_id: workerId });
      return (await q.update(changes)) === 1;
    },

    /** Deletes a task `workerId` locked last (its completion); false when it is gone or another worker holds it. */
    async deleteHeld(trx: Knex.Transaction, id: string, workerId: string): Promise<boolean> {
      return (await trx('external_tasks').where({ id, worker_id: workerId }).delete()) === 1;
    },

    /** External tasks, oldest first, optionally of one topic, at most `limit` (GET /engine-rest/external-task). */
    async list(query: { topics?: readonly string[] | undefined; instanceId?: string | undefined; limit: number }): Promise<ExternalTaskRecord[]> {
      const q = knex('external_tasks');
      if (query.topics) q.whereIn('topic', [...query.topics]);
      if (query.instanceId) q.where({ instance_id: query.instanceId });
      return ((await q.orderBy('created_at').orderBy('id').limit(query.limit)) as ExternalTaskRow[]).map(toRecord);
    },
  };
}

export type ExternalTasksRepository = ReturnType<typeof externalTasksRepository>;
