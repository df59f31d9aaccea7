// Cancels a case and every running case its call activities started, recursively, inside the caller's transaction:
// each case's open tasks are cancelled and each case's own trail records it.
import type { Knex } from 'knex';
import { ConflictError } from '../errors.js';
import type { AuditChain, NewAuditEvent } from '../audit/audit-chain.js';
import type { TasksRepository } from '../tasks/tasks-repository.js';
import type { JobsRepository } from '../jobs/jobs-repository.js';
import { asRow, taskEvents } from '../tasks/task-audit.js';
import type { InstanceRecord, InstancesRepository } from './instances-repository.js';
import type { EventSubscriptionsRepository } from './event-subscriptions-repository.js';
import type { ExternalTasksRepository } from '../external-tasks/external-tasks-repository.js';

export interface CancelCause {
  userId: string;
  at: string;
  reason: string;
  /** The case the request cancelled; a descendant's `instance.cancelled` names it. */
  rootId: string;
}

/** The ids of a case and of its running descendants, read inside the transaction that will cancel them. */
export async function runningTree(instances: InstancesRepository, trx: Knex.Transaction, id: string): Promise<string[]> {
  const ids = [id];
  for (const child of await instances.children(id, trx)) {
    if (child.status === 'running') ids.push(...(await runningTree(instances, trx, child.id)));
  }
  return ids;
}

/**
 * Cancels `instance` (guarded by its revision), its open tasks, its message, signal and condition waits, its timer
 * jobs and its external tasks, then its running children the same way.
 * Throws ConflictError when a case changed meanwhile; the caller's transaction then stores none of it.
 */
export async function cancelCaseTree(
  deps: { instances: InstancesRepository; tasks: TasksRepository; audit: AuditChain; subscriptions: EventSubscriptionsRepository; jobs?: JobsRepository | undefined; externalTasks?: ExternalTasksRepository | undefined },
  trx: Knex.Transaction,
  instance: InstanceRecord,
  cause: CancelCause,
): Promise<number> {
  const { instances, tasks, audit, subscriptions } = deps;
  const { at, reason, userId, rootId } = cause;
  const ok = await instances.advance(trx, instance.id, instance.rev, { status: 'cancelled', endedAt: at, cancelReason: reason });
  if (!ok) throw new ConflictError(`instance ${instance.id} changed meanwhile`, 'running');
  const open = await tasks.openForInstance(instance.id, trx);
  for (const t of open) await tasks.transition(trx, t.id, ['open', 'claimed'], { status: 'cancelled', completed_at: at });
  await subscriptions.deleteForInstance(trx, instance.id);
  await deps.jobs?.deleteForInstance(trx, instance.id);
  await deps.externalTasks?.deleteForInstance(trx, instance.id);
  const base: NewAuditEvent = { type: 'task.cancelled', at, definitionKey: instance.definitionKey, version: instance.version, instanceId: instance.id, userId };
  const withRoot = instance.id === rootId ? {} : { cancelledWith: rootId, parentInstanceId: instance.parentInstanceId };
  await audit.append(trx, [...taskEvents('task.cancelled', open.map(asRow), base), { ...base, type: 'instance.cancelled', data: { reason, ...withRoot } }]);
  let cancelled = 1;
  for (const child of await instances.children(instance.id, trx)) {
    if (child.status === 'running') cancelled += await cancelCaseTree(deps, trx, child, cause);
  }
  return cancelled;
}
