// Turns the audit chain's news into outbox rows. The audit events are written in the transaction of the change
// they record, so they are this service's transactional outbox of events already: the expander reads them after
// commit, from a cursor, and writes one row per recipient and channel with a key derived from the event's sequence
// number, so a second reading (another process, a restart) writes nothing twice.
import type { Knex } from 'knex';
import type { AuditChain, AuditEvent } from '../audit/audit-chain.js';
import type { User, UsersRepository } from '../auth/users-repository.js';
import type { NotificationConfig } from '../config.js';
import type { DefinitionsRepository, DefinitionVersion } from '../definitions/definitions-repository.js';
import type { InstancesRepository } from '../instances/instances-repository.js';
import type { TasksRepository, TaskRecord } from '../tasks/tasks-repository.js';
import { kindOf, NOTIFIED_EVENT_TYPES, recipientsOf } from './notified-events.js';
import type { NewDelivery, OutboxRepository } from './outbox-repository.js';
import { CHANNELS, type Channel, type NotificationKind } from './preferences.js';
import { formatDue, render, type TemplateValues } from './templates.js';

export interface ExpanderDeps {
  knex: Knex;
  audit: AuditChain;
  outbox: OutboxRepository;
  users: UsersRepository;
  tasks: TasksRepository;
  instances: InstancesRepository;
  definitions: DefinitionsRepository;
  /** The zone of a calendar as configured now (a calendar's zone can be changed), undefined for an unknown id. */
  zoneOf: (calendarId: string) => Promise<string | undefined>;
  config: NotificationConfig;
  clock: () => Date;
  /** Events read per batch (default 200). */
  batchSize?: number;
}

/** The key a receiver drops repeats by: the audit event, the channel and the recipient. */
export const idempotencyKey = (seq: number, channel: Channel, userId: string): string => `audit-${seq}:${channel}:${userId}`;

/** Where a channel reaches a user, or null when they gave no address for it. */
const addressOf = (user: User, channel: Channel): string | null => (channel === 'email' ? user.email : user.phone);

/** Why a channel cannot deliver now, or null when it is configured. */
export function unconfigured(config: NotificationConfig, channel: Channel): string | null {
  if (channel === 'email') return config.smtpUrl === undefined ? 'SMTP_URL is not set' : null;
  return config.webhookUrl === undefined ? 'WEBHOOK_URL is not set' : null;
}

/** What an event's messages say, loaded once for all its recipients. */
interface EventValues {
  def: DefinitionVersion;
  task: TaskRecord | undefined;
  businessKey: string | null;
  text: Omit<TemplateValues, 'recipientName'>;
}

/** Another process moved the cursor while this one wrote: its rows are the same, this transaction rolls back. */
class CursorMoved extends Error {}

export function outboxExpander(deps: ExpanderDeps) {
  const { knex, audit, outbox, users, config, clock } = deps;
  const batchSize = deps.batchSize ?? 200;
  const versions = new Map<string, Promise<DefinitionVersion | undefined>>();
  const definition = (key: string, version: number) => {
    const id = `${key}@${version}`;
    let found = versions.get(id);
    if (!found) versions.set(id, (found = deps.definitions.byVersion(key, version)));
    return found;
  };

  /** The values of an event's templates for one recipient; `task` for the task kinds. */
  async function valuesOf(event: AuditEvent, def: DefinitionVersion, task: TaskRecord | undefined, businessKey: string | null): Promise<Omit<TemplateValues, 'recipientName'>> {
    const zone = (await deps.zoneOf(def.metadata.calendar)) ?? def.metadata.timeZone;
    const step = def.metadata.steps.find((s) => s.elementId === (task?.elementId ?? event.elementId));
    const role = task?.role ?? event.role;
    return {
      sopName: def.name,
      sopKey: def.key,
      version: String(def.version),
      organisation: def.metadata.identity.organisation ?? def.metadata.unit ?? def.key,
      step: task?.step ?? step?.no ?? '-',
      activity: task?.name ?? step?.activity ?? event.elementId ?? '-',
      roleName: def.metadata.roles.find((r) => r.id === role)?.name ?? role ?? '-',
      dueAt: formatDue(task?.dueAt ?? null, zone),
      link: task ? `${config.publicUrl}/app/#/tugas/${encodeURIComponent(task.id)}` : `${config.publicUrl}/app/#/tugas`,
      businessKey: businessKey ?? '-',
      outcome: event.type === 'instance.cancelled' ? 'dibatalkan' : 'selesai',
      elementName: event.elementId ?? '-',
    };
  }

  /** The JSON a webhook receives (Standard Webhooks' `{type, timestamp, data}`), also kept with an e-mail row. */
  function payloadOf(kind: NotificationKind, event: AuditEvent, user: User, text: { subject: string; body: string }, values: EventValues): Record<string, unknown> {
    const { def, task, businessKey } = values;
    return {
      type: kind,
      timestamp: event.at,
      data: {
        recipient: { id: user.id, name: user.name, email: user.email, phone: user.phone },
        subject: text.subject,
        text: text.body,
        link: values.text.link,
        definitionKey: def.key,
        version: def.version,
        instanceId: event.instanceId,
        businessKey,
        taskId: event.taskId,
        elementId: task?.elementId ?? event.elementId,
        step: task?.step ?? null,
        activity: values.text.activity,
        role: task?.role ?? event.role,
        dueAt: task?.dueAt ?? null,
      },
    };
  }

  /** The rows one event makes: each recipient × each channel they chose and can be reached on. */
  async function deliveriesOf(event: AuditEvent, kind: NotificationKind, reachable: readonly User[]): Promise<NewDelivery[]> {
    if (event.definitionKey === null || event.version === null) return [];
    const def = await definition(event.definitionKey, event.version);
    if (!def) return [];
    const task = event.taskId ? await deps.tasks.byId(event.taskId) : undefined;
    const instance = event.instanceId ? await deps.instances.byId(event.instanceId) : undefined;
    const recipients = recipientsOf(kind, event, { task, instance, unit: def.metadata.unit, reachable });
    if (recipients.length === 0) return [];
    const businessKey = instance?.businessKey ?? null;
    const values: EventValues = { def, task, businessKey, text: await valuesOf(event, def, task, businessKey) };
    const out: NewDelivery[] = [];
    for (const user of recipients) {
      const text = render(kind, { ...values.text, recipientName: user.name });
      for (const channel of CHANNELS) {
        const address = addressOf(user, channel);
        if (address === null || !user.notifications[kind][channel]) continue;
        const missing = unconfigured(config, channel);
        out.push({
          channel,
          kind,
          recipientUserId: user.id,
          address: channel === 'email' ? address : (config.webhookUrl ?? null),
          ...text,
          payload: payloadOf(kind, event, user, text, values),
          idempotencyKey: idempotencyKey(event.seq, channel, user.id),
          auditSeq: event.seq,
          status: missing === null ? 'pending' : 'undeliverable',
          lastError: missing,
        });
      }
    }
    return out;
  }

  return {
    /**
     * Reads the events committed since the cursor (one batch) and writes their rows, moving the cursor in the same
     * transaction. Commits follow the chain's order (its head is locked to COMMIT), so every event up to the head
     * read first is visible. Returns the rows written, or 0 when another process wrote these first.
     */
    async expandOnce(): Promise<{ events: number; deliveries: number; more: boolean }> {
      const from = await outbox.cursor();
      const head = (await audit.head()).seq;
      if (head <= from) return { events: 0, deliveries: 0, more: false };
      const events = await audit.ofTypes({ types: NOTIFIED_EVENT_TYPES, afterSeq: from, limit: batchSize });
      const full = events.length === batchSize;
      const to = full ? (events.at(-1) as AuditEvent).seq : Math.max(head, events.at(-1)?.seq ?? head);
      const news = events.flatMap((e) => {
        const kind = kindOf(e);
        return kind ? [{ e, kind }] : [];
      });
      const now = clock().toISOString();
      const reachable = news.length === 0 ? [] : await users.reachable(now);
      const deliveries: NewDelivery[] = [];
      if (reachable.length > 0) for (const { e, kind } of news) deliveries.push(...(await deliveriesOf(e, kind, reachable)));
      // Nothing to write (nobody reachable): moving the cursor is one statement, no transaction.
      if (deliveries.length === 0) {
        if (await outbox.moveCursor(knex, from, to)) return { events: news.length, deliveries: 0, more: full };
        return { events: 0, deliveries: 0, more: true };
      }
      try {
        await knex.transaction(async (trx) => {
          if (!(await outbox.moveCursor(trx, from, to))) throw new CursorMoved();
          await outbox.insert(trx, deliveries, now);
        });
      } catch (err) {
        if (err instanceof CursorMoved) return { events: 0, deliveries: 0, more: true };
        throw err;
      }
      return { events: news.length, deliveries: deliveries.length, more: full };
    },
  };
}

export type OutboxExpander = ReturnType<typeof outboxExpander>;
