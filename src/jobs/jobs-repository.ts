// The jobs table: one row per timer a case waits on. Rows follow each run of the case in that run's transaction;
// the executor claims a round of due rows in one statement, so one process fires each.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { TimerWait } from '../engine/process-runtime.js';

/** Retries a failing job gets before it becomes an incident. */
export const JOB_RETRIES = 3;

export interface JobRecord {
  id: string;
  kind: 'timer';
  instanceId: string;
  definitionId: string;
  elementId: string;
  executionId: string;
  startedAt: string;
  dueAt: string;
  timerType: string;
  timerValue: string;
  state: 'waiting' | 'incident';
  retries: number;
  lastError: string | null;
  lockedBy: string | null;
  lockedUntil: string | null;
  createdAt: string;
}

interface JobRow {
  id: string;
  kind: string;
  instance_id: string;
  definition_id: string;
  element_id: string;
  execution_id: string;
  started_at: string;
  due_at: string;
  timer_type: string;
  timer_value: string;
  state: string;
  retries: number | string;
  last_error: string | null;
  locked_by: string | null;
  locked_until: string | null;
  created_at: string;
}

function toRecord(r: JobRow): JobRecord {
  return {
    id: r.id,
    kind: 'timer',
    instanceId: r.instance_id,
    definitionId: r.definition_id,
    elementId: r.element_id,
    executionId: r.execution_id,
    startedAt: r.started_at,
    dueAt: r.due_at,
    timerType: r.timer_type,
    timerValue: r.timer_value,
    state: r.state === 'incident' ? 'incident' : 'waiting',
    retries: Number(r.retries),
    lastError: r.last_error,
    lockedBy: r.locked_by,
    lockedUntil: r.locked_until,
    createdAt: r.created_at,
  };
}

/** What a run left a case waiting on, for `sync`. */
export interface CaseTimers {
  instanceId: string;
  definitionId: string;
  timers: readonly TimerWait[];
  /** ISO 8601 UTC: when the run happened. */
  at: string;
}

export function jobsRepository(knex: Knex) {
  return {
    async byId(id: string, trx?: Knex.Transaction): Promise<JobRecord | undefined> {
      const row = (await (trx ?? knex)('jobs').where({ id }).first()) as JobRow | undefined;
      return row ? toRecord(row) : undefined;
    },

    async forInstance(instanceId: string, trx?: Knex.Transaction): Promise<JobRecord[]> {
      return ((await (trx ?? knex)('jobs').where({ instance_id: instanceId }).orderBy('due_at')) as JobRow[]).map(toRecord);
    },

    /**
     * Makes the case's jobs what a run left it waiting on: a job whose timer no longer waits (it fired, its task
     * ended, an interrupting event took the path) is deleted, a new wait gets a job, a wait whose due time moved
     * because the engine computed it again (a cycle re-armed, a failed value resolved) gets the new time; otherwise a
     * job keeps its own (a calendar change may have moved it). Returns the jobs inserted and deleted.
     */
    async sync(trx: Knex.Transaction, run: CaseTimers): Promise<{ inserted: number; deleted: number }> {
      // A case that waits on no timer now (a fired one-off timer, a task ended) keeps no job: one statement.
      if (run.timers.length === 0) return { inserted: 0, deleted: await trx('jobs').where({ instance_id: run.instanceId }).del() };
      const existing = (await trx('jobs').where({ instance_id: run.instanceId })) as JobRow[];
      const waiting = new Map(run.timers.map((t) => [t.executionId, t]));
      const gone = existing.filter((j) => !waiting.has(j.execution_id)).map((j) => j.id);
      if (gone.length > 0) await trx('jobs').whereIn('id', gone).del();
      const known = new Map(existing.map((j) => [j.execution_id, j]));
      const fresh = run.timers.filter((t) => !known.has(t.executionId));
      if (fresh.length > 0) {
        await trx('jobs').insert(
          fresh.map((t) => ({
            id: randomUUID(),
            kind: 'timer',
            instance_id: run.instanceId,
            definition_id: run.definitionId,
            element_id: t.elementId,
            execution_id: t.executionId,
            started_at: run.at,
            due_at: t.expireAt,
            timer_type: t.timerType,
            timer_value: t.value,
            state: 'waiting',
            retries: JOB_RETRIES,
            last_error: t.problem ?? null,
            locked_by: null,
            locked_until: null,
            created_at: run.at,
          })),
        );
      }
      for (const t of run.timers) {
        const job = known.get(t.executionId);
        if (job && t.fresh) await trx('jobs').where({ id: job.id }).update({ due_at: t.expireAt, timer_value: t.value, started_at: run.at });
      }
      return { inserted: fresh.length, deleted: gone.length };
    },

    /** Deletes every job of a case (it was cancelled or ended). */
    async deleteForInstance(trx: Knex.Transaction, instanceId: string): Promise<number> {
      return trx('jobs').where({ instance_id: instanceId }).del();
    },

    /** The earliest due time of a waiting job, ISO 8601, or undefined when none waits. */
    async nextDue(): Promise<string | undefined> {
      const row = (await knex('jobs').where({ state: 'waiting' }).min({ due: 'due_at' }).first()) as { due: string | null } | undefined;
      return row?.due ?? undefined;
    },

    /**
     * Claims up to `limit` waiting jobs due at `now` for `owner` until `until` (all ISO 8601), earliest due first, in
     * one statement: on SQLite an update in an IMMEDIATE transaction (an update outside one reads first and fails with
     * SQLITE_BUSY when another process wrote meanwhile, src/db/knex.ts); on PostgreSQL a materialized CTE picks the
     * due rows `FOR UPDATE SKIP LOCKED` (a subquery under `IN` may be run again by the plan and return more than
     * `limit`), and the row lock re-checks them on their newest version. Each job goes to one claimant only.
     */
    async claimDue(owner: string, now: string, until: string, limit: number): Promise<JobRecord[]> {
      let rows: JobRow[];
      if (knex.client.config.client === 'pg') {
        const picked = await knex.raw(
          `with due as materialized (select id from jobs where state = 'waiting' and due_at <= ? and (locked_until is null or locked_until <= ?) order by due_at limit ? for update skip locked)
           update jobs set locked_by = ?, locked_until = ? from due where jobs.id = due.id returning jobs.*`,
          [now, now, limit, owner, until],
        );
        rows = (picked as { rows: JobRow[] }).rows;
      } else {
        const free = (q: Knex.QueryBuilder) => q.whereNull('locked_until').orWhere('locked_until', '<=', now);
        rows = await knex.transaction(async (trx) => {
          const due = trx('jobs').select('id').where({ state: 'waiting' }).where('due_at', '<=', now).where(free).orderBy('due_at').limit(limit);
          return (await trx('jobs').whereIn('id', due).update({ locked_by: owner, locked_until: until }, '*')) as JobRow[];
        });
      }
      return rows.map(toRecord).sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0));
    },

    /** Changes a job this owner holds; false when it is gone or another holds it now. */
    async update(id: string, owner: string, changes: Record<string, unknown>, trx?: Knex.Transaction): Promise<boolean> {
      return (await (trx ?? knex)('jobs').where({ id, locked_by: owner }).update(changes)) === 1;
    },

    /** Deletes a job this owner holds; false when it is gone or another holds it now. */
    async deleteHeld(trx: Knex.Transaction, id: string, owner: string): Promise<boolean> {
      return (await trx('jobs').where({ id, locked_by: owner }).del()) === 1;
    },

    /** The waiting jobs of these definition versions' elements, for a calendar change to compute again. */
    async waitingOf(trx: Knex.Transaction, definitionId: string, elementIds: readonly string[]): Promise<JobRecord[]> {
      return ((await trx('jobs').where({ definition_id: definitionId, state: 'waiting' }).whereIn('element_id', [...elementIds])) as JobRow[]).map(toRecord);
    },

    /** Moves a job's due time (a calendar change); false when it is gone. */
    async retime(trx: Knex.Transaction, id: string, dueAt: string): Promise<boolean> {
      return (await trx('jobs').where({ id }).update({ due_at: dueAt })) === 1;
    },

    /** Makes an incident's job wait again, due at `at`, with its retries back. */
    async rearm(trx: Knex.Transaction, id: string, at: string): Promise<boolean> {
      return (await trx('jobs').where({ id, state: 'incident' }).update({ state: 'waiting', due_at: at, retries: JOB_RETRIES, locked_by: null, locked_until: null })) === 1;
    },
  };
}

export type JobsRepository = ReturnType<typeof jobsRepository>;
