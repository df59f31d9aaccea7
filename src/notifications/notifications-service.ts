// The notifications of one process: the outbox, the expander that fills it from the audit chain, the dispatcher
// that delivers it, and what admins do with it (list, retry).
import type { NotificationConfig } from '../config.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { channelSenders } from './channels.js';
import { outboxDispatcher, type DispatcherOptions } from './outbox-dispatcher.js';
import { outboxExpander, type ExpanderDeps } from './outbox-expander.js';
import { outboxRepository, type Delivery } from './outbox-repository.js';

/** A service without notification settings: nothing configured, no poll, links to the default address. */
export const NO_NOTIFICATIONS: NotificationConfig = {
  smtpUrl: undefined,
  mailFrom: 'SOP BPMN <noreply@localhost>',
  webhookUrl: undefined,
  webhookSecret: undefined,
  publicUrl: 'http://127.0.0.1:3000',
  pollMs: 0,
};

/** The expander's dependencies (its outbox is this service's own) and the dispatcher's timing. */
export interface NotificationsDeps extends Omit<ExpanderDeps, 'outbox' | 'batchSize'> {
  log: Logger;
  dispatcher?: DispatcherOptions;
}

export function notificationsService(deps: NotificationsDeps) {
  const { knex, config, clock } = deps;
  const outbox = outboxRepository(knex);
  const expander = outboxExpander({ ...deps, outbox });
  const channels = channelSenders(config);
  const dispatcher = outboxDispatcher({ outbox, expander, senders: channels.senders, clock, log: deps.log }, deps.dispatcher);

  return {
    outbox,
    expander,
    dispatcher,
    /** Starts the poll (when OUTBOX_POLL_MS > 0) and a first tick for what waited while no process ran. */
    start(): void {
      if (config.pollMs <= 0) return;
      dispatcher.start(config.pollMs);
      dispatcher.kick();
    },
    /** Stops delivering and closes the SMTP connections. */
    async close(): Promise<void> {
      await dispatcher.stop();
      channels.close();
    },
    /**
     * Puts a failed or undeliverable row back to pending with fresh attempts; a webhook row goes to the URL
     * configured now. @throws NotFoundError; ConflictError for a row pending (it is being tried) or delivered.
     */
    async retry(id: string): Promise<Delivery> {
      const row = await outbox.byId(id);
      if (!row) throw new NotFoundError(`outbox entry ${id} not found`);
      if (row.status === 'delivered' || row.status === 'pending') throw new ConflictError(`outbox entry ${id} is ${row.status}`, row.status);
      const retried = (await outbox.retry(id, clock().toISOString(), row.channel === 'webhook' ? (config.webhookUrl ?? null) : null)) as Delivery;
      dispatcher.kick();
      return retried;
    },
  };
}

export type NotificationsService = ReturnType<typeof notificationsService>;
