// Builds the domain services over one database; the app decorates itself with them.
import type { Logger } from './logger.js';
import type { SigningKey } from './audit/signing-key.js';
import type { ContentCipher } from './privacy/content-cipher.js';
import { accountsService } from './auth/accounts-service.js';
import { usersRepository } from './auth/users-repository.js';
import { auditChain } from './audit/audit-chain.js';
import type { Database } from './db/knex.js';
import { definitionsRepository } from './definitions/definitions-repository.js';
import { deployService } from './definitions/deploy-service.js';
import { keyOwnersRepository } from './definitions/key-owners-repository.js';
import { keyTransferService } from './definitions/key-transfer.js';
import { formsRepository } from './definitions/forms-repository.js';
import { formDeployService } from './definitions/form-deploy.js';
import { versionStates as versionStatesService } from './definitions/version-states.js';
import { ProcessRuntime } from './engine/process-runtime.js';
import { instancesRepository } from './instances/instances-repository.js';
import { workflowService } from './instances/workflow-service.js';
import { engineMovesRepository } from './instances/engine-moves-repository.js';
import { eventSubscriptionsRepository } from './instances/event-subscriptions-repository.js';
import { InstanceLocks } from './instances/instance-locks.js';
import { conditionStarts } from './instances/condition-starts.js';
import { messageService } from './instances/message-service.js';
import { flowCaseMove } from './instances/flow-case-move.js';
import { caseMigration } from './instances/case-migration.js';
import { childCaseCarrier, eventSubscriptionCarrier, externalTaskCarrier, timerJobCarrier, type MigrationCarrier } from './instances/migration-carriers.js';
import { tasksRepository } from './tasks/tasks-repository.js';
import { calendarStore } from './sop/calendar-store.js';
import { dueRetimer } from './tasks/due-retime.js';
import { overdueSweeper } from './tasks/overdue-sweeper.js';
import { attachmentsRepository } from './tasks/attachments.js';
import { delegationsService } from './auth/delegations.js';
import { contentReads } from './privacy/content-reads.js';
import { securityEvents } from './audit/security-events.js';
import type { NotificationConfig } from './config.js';
import { NO_NOTIFICATIONS, notificationsService } from './notifications/notifications-service.js';
import { jobsRepository } from './jobs/jobs-repository.js';
import { jobExecutor } from './jobs/job-executor.js';
import { jobRetimer } from './jobs/job-retime.js';
import { timerStarts as timerStartSchedules } from './jobs/timer-starts.js';
import type { Retime } from './sop/calendar-store.js';
import { incidentsRepository } from './incidents/incidents-repository.js';
import { incidentService } from './incidents/incident-service.js';
import { ConflictError, VersionNotStartableError } from './errors.js';
import { lifecycleOf, startableVersion } from './definitions/version-lifecycle.js';
import { externalTaskWakeup } from './external-tasks/task-wakeup.js';
import { externalTasksRepository } from './external-tasks/external-tasks-repository.js';
import { externalTaskService } from './external-tasks/external-task-service.js';
import { sendTaskWorker } from './notifications/send-task-worker.js';
import { outboxRepository } from './notifications/outbox-repository.js';

export interface ServiceKeys {
  /** Signs audit checkpoints. */
  signing: SigningKey;
  /** Seals what is recorded at confidential steps. */
  content: ContentCipher;
}

export function createServices(db: Database, log: Logger, clock: () => Date, keys: ServiceKeys, options: { engineCacheBytes?: number; calendarRefreshMs?: number; notifications?: NotificationConfig; builtinSendWorkers?: boolean } = {}) {
  const { knex } = db;
  const signingKey = keys.signing;
  const contentCipher = keys.content;
  const users = usersRepository(knex);
  const audit = auditChain(knex, db.kind);
  const definitions = definitionsRepository(knex);
  const instances = instancesRepository(knex);
  const tasks = tasksRepository(knex);
  const runtime = new ProcessRuntime({ clock, ...(options.engineCacheBytes === undefined ? {} : { cacheBytes: options.engineCacheBytes }) });
  const jobs = jobsRepository(knex);
  const incidentRecords = incidentsRepository(knex);
  const engineMoves = engineMovesRepository(knex);
  const keyOwners = keyOwnersRepository(knex);
  const forms = formsRepository(knex);
  const formDeploy = formDeployService({ knex, forms, audit, clock });
  // Timer start schedules follow each committed change of which version is current (timer-starts.ts).
  const syncStarts = (): Promise<void> => timerStarts.syncAfterChange();
  const deploy = deployService({ knex, definitions, keyOwners, forms, audit, log, clock, onCreated: syncStarts });
  const keyTransfer = keyTransferService({ knex, keyOwners, audit, clock });
  const retimeTasks = dueRetimer({ definitions, tasks, audit, clock });
  const retimeJobs = jobRetimer({ definitions, jobs, tasks, timersOf: async (d) => (await deploy.compiled(d)).process.timers });
  // Tasks first: a timer at its task's deadline takes the task's new due date.
  const retime: Retime = async (trx, changed, at, userId) => {
    const moved = await retimeTasks(trx, changed, at, userId);
    await retimeJobs(trx, changed, at, userId);
    return moved;
  };
  const calendars = calendarStore({ knex, audit, log, clock, retime, ...(options.calendarRefreshMs === undefined ? {} : { refreshMs: options.calendarRefreshMs }) });
  const attachments = attachmentsRepository(knex, audit, contentCipher);
  const subscriptions = eventSubscriptionsRepository(knex);
  const externalTaskWakeups = externalTaskWakeup(knex, db.kind, log);
  const externalTasks = externalTasksRepository(knex, externalTaskWakeups);
  const locks = new InstanceLocks();
  // Send tasks of topics notify.email and notify.webhook are served here unless BUILTIN_SEND_WORKERS=off.
  const sendTasks = options.builtinSendWorkers === false ? undefined : { worker: sendTaskWorker({ reachable: (at) => users.reachable(at), config: options.notifications ?? NO_NOTIFICATIONS }), outbox: outboxRepository(knex) };
  const versionStates = versionStatesService({ knex, definitions, calendars, audit, clock, onChanged: syncStarts });
  const workflow = workflowService({ knex, definitions, deploy, instances, tasks, engineMoves, subscriptions, locks, audit, runtime, calendars, attachments, users, log, clock, contentCipher, jobs, externalTasks, sendTasks });
  const messages = messageService({ knex, definitions, deploy, instances, tasks, subscriptions, locks, jobs, externalTasks, sendTasks, audit, runtime, calendars, log, clock, definitionById: workflow.definitionById });
  const conditions = conditionStarts({ knex, definitions, deploy, instances, tasks, subscriptions, jobs, externalTasks, sendTasks, audit, runtime, calendars, log, clock, definitionById: workflow.definitionById });
  // What a migration carries besides task rows; each kind of wait (timer jobs, subscriptions, locks) adds its carrier here.
  const migrationCarriers: MigrationCarrier[] = [childCaseCarrier(instances), eventSubscriptionCarrier(subscriptions), timerJobCarrier(jobs), externalTaskCarrier(externalTasks)];
  const migrations = caseMigration({ knex, definitions, deploy, instances, tasks, audit, calendars, versionStates, carriers: migrationCarriers, log, clock });
  const incidents = incidentService({ knex, incidents: incidentRecords, audit, clock, definitionById: workflow.definitionById });
  // A timer incident is retried by making its job wait again, due now, with its retries back.
  incidents.onRetry('timer', async (trx, incident, at) => {
    if (!(await jobs.rearm(trx, incident.subjectId, at))) throw new ConflictError(`the timer job of incident ${incident.id} is gone`, 'gone');
  });
  const externalTaskWork = externalTaskService({ knex, definitions, deploy, instances, tasks, subscriptions, jobs, externalTasks, sendTasks, incidents: incidentRecords, wakeup: externalTaskWakeups, locks, audit, runtime, calendars, log, clock, definitionById: workflow.definitionById });
  // An external task incident is retried as Camunda's cockpit does: one retry more, fetchable at once.
  incidents.onRetry('external-task', async (trx, incident) => {
    if (!(await externalTasks.update(trx, incident.subjectId, null, { retries: 1, lock_expiration: null }))) throw new ConflictError(`the external task of incident ${incident.id} is gone`, 'gone');
    await externalTaskWakeups.announce(trx);
  });
  const timerStarts = timerStartSchedules({
    knex,
    definitions,
    timersOf: async (d) => (await deploy.compiled(d)).process.timers,
    currentOf: async (latest) => {
      try {
        const current = startableVersion(latest.key, await definitions.lifecycle(latest.key), (await calendars.get(latest.metadata.calendar)).timeZone, clock());
        return current.id === latest.id ? latest : await workflow.definitionById(current.id);
      } catch (err) {
        if (err instanceof VersionNotStartableError) return undefined;
        throw err;
      }
    },
    nextEffectiveOf: async (latest) => {
      const views = lifecycleOf(await definitions.lifecycle(latest.key), (await calendars.get(latest.metadata.calendar)).timeZone, clock());
      const dates = views.filter((v) => v.status === 'scheduled' && v.effectiveFrom !== null).map((v) => Date.parse(v.effectiveFrom as string));
      return dates.length > 0 ? new Date(Math.min(...dates)) : undefined;
    },
    calendarOf: (d) => calendars.get(d.metadata.calendar),
    startCase: workflow.startScheduled,
    log,
    clock,
  });
  const executor = jobExecutor({ knex, jobs, incidents: incidentRecords, audit, log, clock, fire: workflow.fireTimer, definitionById: workflow.definitionById, starts: timerStarts });
  const flowCases = flowCaseMove({ knex, definitions, deploy, instances, tasks, moves: engineMoves, audit, log, clock });
  const accounts = accountsService({ knex, users, audit, log, clock });
  const sweeper = overdueSweeper({ knex, audit, log, clock });
  const delegations = delegationsService({ knex, users, audit, clock });
  const confidential = contentReads({ knex, tasks, attachments, audit, cipher: contentCipher, clock });
  const security = securityEvents({ audit, keyOwners });
  const zoneOf = async (id: string) => (await calendars.stored(id))?.timeZone;
  const notifications = notificationsService({ knex, audit, users, tasks, instances, definitions, zoneOf, config: options.notifications ?? NO_NOTIFICATIONS, clock, log });
  return { externalTasks, externalTaskWork, externalTaskWakeups, forms, formDeploy, jobs, incidents, executor, timerStarts, notifications, versionStates, migrations, migrationCarriers, security, db, clock, users, audit, definitions, keyOwners, keyTransfer, instances, tasks, engineMoves, flowCases, runtime, deploy, calendars, attachments, workflow, accounts, sweeper, signingKey, contentCipher, confidential, delegations, subscriptions, messages, conditions };
}

export type Services = ReturnType<typeof createServices>;

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}
