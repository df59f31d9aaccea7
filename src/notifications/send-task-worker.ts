// The built-in worker of send tasks: an external task of topic `notify.email` or `notify.webhook` becomes outbox
// messages (one per recipient) and is completed in the transaction of the run that reached it, so a process owner can
// draw "the system sends …" without writing a worker. Recipients and the case variables the message names come from
// the task's extension properties (camunda:properties or zeebe:properties):
//   recipients: comma-separated `starter` (the case's starter, the default) and `role:<role id>` (active users holding it)
//   variables:  comma-separated case variable names whose values the message carries
// With its channel unconfigured, a message is kept as `undeliverable` (README, Notifications); a recipient without an
// address on the channel (no e-mail, no phone) gets none.
import type { User } from '../auth/users-repository.js';
import type { NotificationConfig } from '../config.js';
import type { DefinitionVersion } from '../definitions/definitions-repository.js';
import type { ExternalTaskWait } from '../engine/process-runtime.js';
import type { InstanceRecord } from '../instances/instances-repository.js';
import { unconfigured } from './outbox-expander.js';
import type { NewDelivery } from './outbox-repository.js';
import type { Channel } from './preferences.js';

/** The topics served here and the channel each sends on. */
export const SEND_TOPICS: Readonly<Record<string, Channel>> = { 'notify.email': 'email', 'notify.webhook': 'webhook' };

/** One send task a run reached: its case (variables as the run left them) and the task. */
export interface SendTaskCase {
  definition: DefinitionVersion;
  instance: InstanceRecord;
  wait: ExternalTaskWait;
  /** ISO 8601 UTC: when it is sent. */
  at: string;
}

export interface SendTaskWorkerDeps {
  /** Active users reachable by e-mail or phone at `at` (users-repository `reachable`). */
  reachable: (at: string) => Promise<User[]>;
  config: NotificationConfig;
}

const list = (text: string | undefined): string[] => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** A value as the message shows it: text as it is, anything else as JSON. */
const shown = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value ?? null));

/** Who a send task's `recipients` property names, among `users`; `starter` when it names none. */
export function sendTaskRecipients(users: readonly User[], instance: Pick<InstanceRecord, 'startedBy'>, recipients: string | undefined): User[] {
  const wanted = list(recipients);
  const tokens = wanted.length > 0 ? wanted : ['starter'];
  return users.filter((u) => tokens.some((t) => (t === 'starter' && u.id === instance.startedBy) || (t.startsWith('role:') && u.roles.includes(t.slice('role:'.length)))));
}

/** The subject and plain text of a send task's message to one recipient, in Indonesian; only values are substituted. */
export function sendTaskText(c: SendTaskCase, recipient: User, variables: Record<string, unknown>): { subject: string; body: string } {
  const lines = Object.entries(variables).map(([name, value]) => `${name}: ${shown(value)}`);
  const body = [`Yth. ${recipient.name},`, '', c.wait.name, '', `SOP: ${c.definition.name}`, `Nomor berkas: ${c.instance.businessKey ?? '-'}`, ...lines].join('\n');
  return { subject: `${c.definition.name}: ${c.wait.name}`, body };
}

export function sendTaskWorker(deps: SendTaskWorkerDeps) {
  const { config } = deps;
  return {
    /** Whether this worker serves `topic`. */
    serves: (topic: string): boolean => Object.hasOwn(SEND_TOPICS, topic),

    /**
     * The outbox messages of one send task, one per recipient reachable on its channel, each with a key stable for
     * the task's execution (a receiver drops repeats by it): `send-task:<instance>:<execution>:<channel>:<user>`.
     */
    async deliveries(c: SendTaskCase): Promise<NewDelivery[]> {
      const channel = SEND_TOPICS[c.wait.topic] as Channel;
      const names = list(c.wait.properties.variables);
      const variables = Object.fromEntries(names.filter((n) => Object.hasOwn(c.instance.variables, n)).map((n) => [n, c.instance.variables[n]]));
      const missing = unconfigured(config, channel);
      const out: NewDelivery[] = [];
      for (const user of sendTaskRecipients(await deps.reachable(c.at), c.instance, c.wait.properties.recipients)) {
        const address = channel === 'email' ? user.email : user.phone;
        if (address === null) continue;
        const text = sendTaskText(c, user, variables);
        out.push({
          channel,
          kind: 'send-task',
          recipientUserId: user.id,
          address: channel === 'email' ? address : (config.webhookUrl ?? null),
          ...text,
          payload: {
            type: 'send-task',
            timestamp: c.at,
            data: {
              recipient: { id: user.id, name: user.name, email: user.email, phone: user.phone },
              subject: text.subject,
              text: text.body,
              definitionKey: c.definition.key,
              version: c.definition.version,
              instanceId: c.instance.id,
              businessKey: c.instance.businessKey,
              elementId: c.wait.elementId,
              activity: c.wait.name,
              topic: c.wait.topic,
              variables,
            },
          },
          idempotencyKey: `send-task:${c.instance.id}:${c.wait.executionId}:${channel}:${user.id}`,
          auditSeq: null,
          status: missing === null ? 'pending' : 'undeliverable',
          lastError: missing,
        });
      }
      return out;
    },
  };
}

export type SendTaskWorker = ReturnType<typeof sendTaskWorker>;
