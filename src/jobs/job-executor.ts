// Runs due timer jobs in every service process: wakes at the next due time (and at least every poll), claims a
// round of due jobs in one statement so that one process fires each, fires them case by case and commits the
// round's writes together, and turns a job that keeps failing into an incident after its retries.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { writeGroup, type Transact } from '../db/write-group.js';
import { ConflictError, TimerNotWaitingError } from '../errors.js';
import type { AuditChain } from '../audit/audit-chain.js';
import type { DefinitionVersion } from '../definitions/definitions-repository.js';
import type { IncidentsRepository } from '../incidents/incidents-repository.js';
import type { Logger } from '../logger.js';
import type { JobRecord, JobsRepository } from './jobs-repository.js';
import { SYSTEM_USER_ID } from './system-user.js';
import type { TimerStarts } from './timer-starts.js';

/** How long a claim holds a job, in ms: a process that dies holding one leaves it to another after this. */
export const JOB_LEASE_MS = 5 * 60_000;
/** Wait before the n-th retry (n = 1, 2, 3): 10 s, 20 s, 40 s. */
export const retryDelayMs = (retry: number): number => 10_000 * 2 ** (retry - 1);

export interface JobExecutorDeps {
  knex: Knex;
  jobs: JobsRepository;
  incidents: IncidentsRepository;
  audit: AuditChain;
  log: Logger;
  clock: () => Date;
  /**
   * Fires a claimed job's timer (workflow-service fireTimer): true when it fired. Its write goes through `transact`
   * when given (the round's WriteGroup), and commits with the rest of the round's.
   */
  fire: (job: JobRecord, owner: string, transact?: Transact) => Promise<boolean>;
  definitionById: (id: string) => Promise<DefinitionVersion>;
  /** The timer start events' schedules, whose due slots each round starts too. */
  starts?: TimerStarts;
  /** Jobs claimed per round (default 50). */
  batchSize?: number;
}

export interface RunDueResult {
  fired: number;
  failed: number;
  incidents: number;
  /** Cases started by timer start events. */
  started: number;
}

/**
 * A turn of the event loop. On SQLite every statement completes synchronously, so a firing's awaits resolve as
 * microtasks only: without this, a backlog of due jobs would hold the loop until the last fired, and no HTTP request
 * (not even /health) would be answered meanwhile.
 */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const noop = (): void => undefined;

export function jobExecutor(deps: JobExecutorDeps) {
  const { knex, jobs, incidents, audit, log, clock } = deps;
  const owner = randomUUID();
  const batchSize = deps.batchSize ?? 50;

  /** A job that failed: retried later with backoff, or an incident with `incident.created` once its retries are spent. */
  async function fail(job: JobRecord, err: Error): Promise<'retry' | 'incident'> {
    const now = clock();
    const message = err.message.slice(0, 2000);
    if (job.retries > 0) {
      const retry = 4 - job.retries;
      await jobs.update(job.id, owner, { retries: job.retries - 1, last_error: message, due_at: new Date(now.getTime() + retryDelayMs(retry)).toISOString(), locked_by: null, locked_until: null });
      log.warn({ jobId: job.id, instanceId: job.instanceId, elementId: job.elementId, retriesLeft: job.retries - 1, err: message }, 'timer job failed');
      return 'retry';
    }
    const definition = await deps.definitionById(job.definitionId);
    const at = now.toISOString();
    await knex.transaction(async (trx) => {
      if (!(await jobs.update(job.id, owner, { state: 'incident', last_error: message, locked_by: null, locked_until: null }, trx))) return;
      const incident = await incidents.raise(trx, { kind: 'timer', subjectId: job.id, instanceId: job.instanceId, definitionId: job.definitionId, elementId: job.elementId, message, retries: 0, createdAt: at });
      await audit.append(trx, [
        { type: 'incident.created', at, definitionKey: definition.key, version: definition.version, instanceId: job.instanceId, elementId: job.elementId, userId: SYSTEM_USER_ID, data: { incidentId: incident.id, kind: 'timer', jobId: job.id, message } },
      ]);
    });
    log.error({ jobId: job.id, instanceId: job.instanceId, elementId: job.elementId, err: message, event: 'incident.created' }, 'timer job became an incident');
    return 'incident';
  }

  /** Runs one claimed job; a job whose timer no longer waits is dropped, a case moved on meanwhile is tried again. */
  async function runJob(job: JobRecord, result: RunDueResult, transact?: Transact): Promise<void> {
    try {
      if (await deps.fire(job, owner, transact)) result.fired++;
    } catch (err) {
      if (err instanceof TimerNotWaitingError || (err instanceof ConflictError && (err.details as { state?: string } | undefined)?.state !== 'running')) {
        await knex.transaction(async (trx) => jobs.deleteHeld(trx, job.id, owner));
        return;
      }
      if (err instanceof ConflictError) {
        await jobs.update(job.id, owner, { locked_by: null, locked_until: null });
        return;
      }
      result.failed++;
      if ((await fail(job, err as Error)) === 'incident') result.incidents++;
    }
  }

  /**
   * Runs a claimed round. Each case's firing runs its engine and parks its write in the round's WriteGroup (one case
   * at a time, with a turn of the event loop between them, as the firings ran before); the writes then commit in one
   * transaction. A second job of a case already in the round runs alone once the group has committed: the first
   * firing holds the case's lock until its write commits. Throws what a job's failure handling threw, after the group
   * has committed.
   */
  async function runRound(claimed: JobRecord[], result: RunDueResult): Promise<void> {
    const group = writeGroup(knex);
    const cases = new Set<string>();
    const running: Promise<void>[] = [];
    const later: JobRecord[] = [];
    try {
      for (const job of claimed) {
        if (cases.has(job.instanceId)) {
          later.push(job);
          continue;
        }
        cases.add(job.instanceId);
        const parked = group.nextPark();
        const done = runJob(job, result, group.transact);
        running.push(done);
        await Promise.race([parked, done.then(noop, noop)]);
        await turn();
      }
    } finally {
      await group.flush();
    }
    const failed = (await Promise.allSettled(running)).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    for (const job of later) {
      await runJob(job, result);
      await turn();
    }
  }

  /**
   * Starts the cases of due timer start slots (unless `starts` is false), then claims and runs every job due at the
   * clock's now, in rounds of `batchSize`.
   */
  async function runDue(starts = true): Promise<RunDueResult> {
    const result: RunDueResult = { fired: 0, failed: 0, incidents: 0, started: 0 };
    if (deps.starts && starts) {
      const now = clock();
      result.started = await deps.starts.runDue(owner, new Date(now.getTime() + JOB_LEASE_MS).toISOString());
    }
    for (;;) {
      const now = clock();
      const claimed = await jobs.claimDue(owner, now.toISOString(), new Date(now.getTime() + JOB_LEASE_MS).toISOString(), batchSize);
      await runRound(claimed, result);
      if (claimed.length < batchSize) return result;
    }
  }

  return {
    owner,
    runDue,
    /**
     * Runs due jobs until the returned stop resolves: sleeps until the next due time, at most `pollMs`. The timer
     * start schedules are synced with the definitions and their due slots started once per `pollMs` (wall time), not
     * on every wake: a wake per job due means a round per firing under a steady trickle, and the sync reads every
     * key's latest version. Errors are logged, never thrown. Stopping waits for the round under way.
     */
    start(pollMs: number): () => Promise<void> {
      let stopped = false;
      let startsAt = -Infinity;
      let timer: NodeJS.Timeout | undefined;
      let round: Promise<unknown> = Promise.resolve();
      const schedule = (ms: number) => {
        if (stopped) return;
        timer = setTimeout(tick, Math.max(0, Math.min(ms, pollMs)));
        timer.unref();
      };
      const tick = () => {
        round = (async () => {
          try {
            const starts = performance.now() - startsAt >= pollMs;
            if (starts) startsAt = performance.now();
            await runDue(starts);
            const next = await jobs.nextDue();
            const nextStarts = startsAt + pollMs - performance.now();
            schedule(Math.min(nextStarts, next === undefined ? pollMs : Date.parse(next) - clock().getTime()));
          } catch (err) {
            log.error({ err }, 'job executor round failed');
            schedule(pollMs);
          }
        })();
      };
      schedule(0);
      return async () => {
        stopped = true;
        clearTimeout(timer);
        await round;
      };
    },
  };
}

export type JobExecutor = ReturnType<typeof jobExecutor>;
