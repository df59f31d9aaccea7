// Marks open tasks past their due date as overdue, once each: the `overdue_at is null` guard on the update
// makes a second sweep, a restart or another process sweeping at the same time a no-op for that task.
import type { Knex } from 'knex';
import type { AuditChain } from '../audit/audit-chain.js';
import type { Logger } from '../logger.js';
import type { TaskRow } from './tasks-repository.js';

export interface SweepResult {
  marked: number;
}

export function overdueSweeper(deps: { knex: Knex; audit: AuditChain; log: Logger; clock: () => Date; batchSize?: number }) {
  const { knex, audit, log, clock } = deps;
  const batchSize = deps.batchSize ?? 200;

  async function sweepOnce(): Promise<SweepResult> {
    const now = clock().toISOString();
    let marked = 0;
    for (;;) {
      const due = (await knex('tasks')
        .select('id', 'instance_id', 'definition_key', 'version', 'element_id', 'step', 'role', 'assignee', 'due_at', 'standard_ms')
        .whereIn('status', ['open', 'claimed'])
        .whereNull('overdue_at')
        .whereNotNull('due_at')
        .where('due_at', '<', now)
        .orderBy('due_at')
        .limit(batchSize)) as TaskRow[];
      if (due.length === 0) break;
      for (const task of due) {
        const won = await knex.transaction(async (trx) => {
          const n = await trx('tasks').where({ id: task.id }).whereNull('overdue_at').update({ overdue_at: now });
          if (n !== 1) return false;
          await audit.append(trx, [
            {
              type: 'task.overdue',
              at: now,
              definitionKey: task.definition_key,
              version: Number(task.version),
              instanceId: task.instance_id,
              taskId: task.id,
              elementId: task.element_id,
              step: task.step,
              role: task.role,
              userId: task.assignee,
              standardMs: task.standard_ms === null ? null : Number(task.standard_ms),
              breached: true,
              data: { dueAt: task.due_at },
            },
          ]);
          return true;
        });
        if (won) {
          marked++;
          log.warn({ taskId: task.id, instanceId: task.instance_id, elementId: task.element_id, role: task.role, dueAt: task.due_at, event: 'task.overdue' }, 'task overdue');
        }
      }
      if (due.length < batchSize) break;
    }
    return { marked };
  }

  return {
    sweepOnce,
    /** Sweeps every `intervalMs` until the returned stop function is called; errors are logged, not thrown. */
    start(intervalMs: number): () => void {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        sweepOnce()
          .catch((err: unknown) => log.error({ err }, 'overdue sweep failed'))
          .finally(() => {
            running = false;
          });
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

export type OverdueSweeper = ReturnType<typeof overdueSweeper>;
