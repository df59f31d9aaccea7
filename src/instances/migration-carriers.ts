// What a case can wait on besides its task rows, and whether a migration can carry it to another version. Each kind
// of wait (a child case here; timer jobs, message subscriptions and external-task locks where those exist) is a
// carrier: it names what it cannot carry, so the case stays where it is, and moves what it can in the case's own
// migration transaction. The list is built in services.ts; a new kind of wait adds its carrier there.
import type { Knex } from 'knex';
import type { DefinitionVersion } from '../definitions/definitions-repository.js';
import type { EngineState } from '../engine/process-runtime.js';
import type { InstanceRecord, InstancesRepository } from './instances-repository.js';
import type { EventSubscriptionsRepository } from './event-subscriptions-repository.js';
import type { JobsRepository } from '../jobs/jobs-repository.js';
import type { ExternalTasksRepository } from '../external-tasks/external-tasks-repository.js';

/** Why a case cannot move (or one thing it cannot take along), naming the element and, for a read, the variable. */
export interface MigrationProblem {
  code: 'not-applicable' | 'no-target' | 'kind-mismatch' | 'variable-unset' | 'history' | 'replay' | 'carrier' | 'changed';
  elementId?: string;
  variable?: string;
  message: string;
}

/** A case about to move from one version to another, as a carrier sees it. */
export interface MigratingCase {
  instance: InstanceRecord & { state: EngineState };
  from: DefinitionVersion;
  to: DefinitionVersion;
  /** The element of `to` that an element of `from` moves to (the plan's mapping, else the same id), if any. */
  target(elementId: string): string | undefined;
}

export interface MigrationCarrier {
  /** What it carries, for logs and messages (`child case`, `timer job` …). */
  readonly name: string;
  /** What of the case it cannot carry to `to`; any problem keeps the case where it is. */
  check(c: MigratingCase): Promise<MigrationProblem[]>;
  /** Rewrites its rows for the new version, in the transaction that moves the case. */
  move?(trx: Knex.Transaction, c: MigratingCase): Promise<void>;
}

/**
 * A case waiting on a child case (a call activity) is not moved: the child's link names the parent's call activity
 * execution, which the rebuilt state would not have. Camunda refuses such a case the same way unless the call
 * activity is mapped; here the owner waits until the child case ends.
 */
export function childCaseCarrier(instances: InstancesRepository): MigrationCarrier {
  return {
    name: 'child case',
    async check(c) {
      const running = (await instances.children(c.instance.id)).filter((child) => child.status === 'running');
      return running.map((child) => ({
        code: 'carrier' as const,
        elementId: child.parentElementId ?? undefined,
        message: `call activity ${child.parentElementId ?? ''} waits on child case ${child.id} (${child.definitionKey} version ${child.version}): a case waiting on a child case is not moved until the child ends`,
      }));
    },
  };
}

/**
 * A case waiting for a message, signal or condition is not moved: its subscription names an execution of the old
 * version's state, which the replayed state would not have (issue 22 allows refusing such a case by name). It moves
 * once the event has arrived.
 */
export function eventSubscriptionCarrier(subscriptions: Pick<EventSubscriptionsRepository, 'forInstance'>): MigrationCarrier {
  return {
    name: 'event subscription',
    async check(c) {
      return (await subscriptions.forInstance(c.instance.id)).map((s) => ({
        code: 'carrier' as const,
        elementId: s.elementId,
        message: `${s.elementId} waits for ${s.kind} ${s.name}: a case waiting for a message, signal or condition is not moved until it arrives`,
      }));
    },
  };
}

/**
 * A case waiting on a timer is not moved: its job names an execution of the old version's state, which the replayed
 * state would not have (issue 22 allows refusing such a case by name). It moves once the timer has fired or its
 * activity has ended.
 */
export function timerJobCarrier(jobs: Pick<JobsRepository, 'forInstance'>): MigrationCarrier {
  return {
    name: 'timer job',
    async check(c) {
      return (await jobs.forInstance(c.instance.id)).map((j) => ({
        code: 'carrier' as const,
        elementId: j.elementId,
        message: `${j.elementId} waits for its timer (due ${j.dueAt}): a case waiting on a timer is not moved until it fires`,
      }));
    },
  };
}

/**
 * A case waiting on an external task is not moved: the task's row (and a worker's lock on it) names an execution of
 * the old version's state, which the replayed state would not have. It moves once its worker has completed the task.
 */
export function externalTaskCarrier(externalTasks: Pick<ExternalTasksRepository, 'forInstance'>): MigrationCarrier {
  return {
    name: 'external task',
    async check(c) {
      return (await externalTasks.forInstance(c.instance.id)).map((x) => ({
        code: 'carrier' as const,
        elementId: x.elementId,
        message: `${x.elementId} waits for a worker of topic ${x.topic}: a case waiting on an external task is not moved until it is completed`,
      }));
    },
  };
}
