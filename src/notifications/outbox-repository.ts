// The outbox: one row per message to one recipient on one channel, and its delivery; knows nothing of HTTP.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { fromJson, toJson } from '../db/json.js';
import type { Channel } from './preferences.js';

/**
 * `pending` waits for (another) attempt; `delivered` was accepted by the receiver; `failed` ran out of attempts;
 * `undeliverable` was written while its channel was not configured. The last two stay until an admin retries them.
 */
export type OutboxStatus = 'pending' | 'delivered' | 'failed' | 'undeliverable';
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'delivered', 'failed', 'undeliverable'];

/** A message to write: `idempotencyKey` is unique; writing the same key again is a no-op. */
export interface NewDelivery {
  channel: Channel;
  kind: string;
  recipientUserId: string | null;
  /** The e-mail address, or the webhook URL; null when the channel is not configured. */
  address: string | null;
  subject: string;
  body: string;
  payload: Record<string, unknown>;
  idempotencyKey: string;
  auditSeq: number | null;
  status: 'pending' | 'undeliverable';
  lastError?: string | null;
}

export interface Delivery extends Omit<NewDelivery, 'status' | 'lastError'> {
  id: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  lockedBy: string | null;
  lockedUntil: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

interface OutboxRow {
  id: string;
  channel: string;
  kind: string;
  recipient_user_id: string | null;
  address: string | null;
  subject: string;
  body: string;
  payload: string;
  idempotency_key: string;
  audit_seq: number | string | null;
  status: string;
  attempts: number | string;
  next_attempt_at: string;
  last_error: string | null;
  locked_by: string | null;
  locked_until: string | null;
  created_at: string;
  delivered_at: string | null;
}

function toDelivery(row: OutboxRow): Delivery {
  return {
    id: row.id,
    channel: row.channel as Channel,
    kind: row.kind,
    recipientUserId: row.recipient_user_id,
    address: row.address,
    subject: row.subject,
    body: row.body,
    payload: fromJson<Record<string, unknown>>(row.payload, {}),
    idempotencyKey: row.idempotency_key,
    auditSeq: row.audit_seq === null ? null : Number(row.audit_seq),
    status: row.status as OutboxStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

/** Errors are kept readable and bounded: a receiver may answer with a whole HTML page. */
const errorText = (message: string): string => message.slice(0, 1000);

export function outboxRepository(knex: Knex) {
  return {
    /** Writes the messages in the caller's transaction; a key written before is left as it is. */
    async insert(trx: Knex, deliveries: NewDelivery[], at: string): Promise<void> {
      if (deliveries.length === 0) return;
      const rows: OutboxRow[] = deliveries.map((d) => ({
        id: randomUUID(),
        channel: d.channel,
        kind: d.kind,
        recipient_user_id: d.recipientUserId,
        address: d.address,
        subject: d.subject,
        body: d.body,
        payload: toJson(d.payload),
        idempotency_key: d.idempotencyKey,
        audit_seq: d.auditSeq,
        status: d.status,
        attempts: 0,
        next_attempt_at: at,
        last_error: d.lastError ?? null,
        locked_by: null,
        locked_until: null,
        created_at: at,
        delivered_at: null,
      }));
      for (let i = 0; i < rows.length; i += 200) await trx('outbox').insert(rows.slice(i, i + 200)).onConflict('idempotency_key').ignore();
    },

    /** Pending rows due at `now` whose lease (if any) has run out, oldest due first. */
    async due(now: string, limit: number): Promise<Delivery[]> {
      const rows = (await knex('outbox')
        .where({ status: 'pending' })
        .where('next_attempt_at', '<=', now)
        .where((w) => w.whereNull('locked_until').orWhere('locked_until', '<=', now))
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)) as OutboxRow[];
      return rows.map(toDelivery);
    },

    /**
     * Takes a row for one attempt until `until`: a conditional update, so of several processes only one wins while
     * a lease holds. Counts the attempt. The row as claimed, or undefined when another process has it.
     */
    async claim(id: string, lease: { by: string; now: string; until: string }): Promise<Delivery | undefined> {
      const n = await knex('outbox')
        .where({ id, status: 'pending' })
        .where((w) => w.whereNull('locked_until').orWhere('locked_until', '<=', lease.now))
        .update({ locked_by: lease.by, locked_until: lease.until, attempts: knex.raw('attempts + 1') });
      if (n !== 1) return undefined;
      const row = (await knex('outbox').where({ id }).first()) as OutboxRow;
      return toDelivery(row);
    },

    /** The receiver took it: delivered, whoever holds the lease now (a repeat is the receiver's to drop). */
    async markDelivered(id: string, at: string): Promise<void> {
      await knex('outbox').where({ id, status: 'pending' }).update({ status: 'delivered', delivered_at: at, locked_by: null, locked_until: null, last_error: null });
    },

    /** An attempt by `by` failed: try again at `retryAt`, or `failed` when that was the last attempt (retryAt null). */
    async markAttemptFailed(id: string, by: string, error: string, retryAt: string | null): Promise<void> {
      const changes = retryAt === null ? { status: 'failed' } : { next_attempt_at: retryAt };
      await knex('outbox')
        .where({ id, status: 'pending', locked_by: by })
        .update({ ...changes, last_error: errorText(error), locked_by: null, locked_until: null });
    },

    /** Rows whose channel was not configured when they were written. */
    async markUndeliverable(id: string, error: string): Promise<void> {
      await knex('outbox').where({ id, status: 'pending' }).update({ status: 'undeliverable', last_error: errorText(error), locked_by: null, locked_until: null });
    },

    /** A failed or undeliverable row back to pending, due at `at`, with its attempts reset; `address` replaces the row's. */
    async retry(id: string, at: string, address: string | null): Promise<Delivery | undefined> {
      await knex('outbox')
        .where({ id })
        .whereIn('status', ['failed', 'undeliverable'])
        .update({ status: 'pending', attempts: 0, next_attempt_at: at, last_error: null, locked_by: null, locked_until: null, ...(address === null ? {} : { address }) });
      return this.byId(id);
    },

    async byId(id: string): Promise<Delivery | undefined> {
      const row = (await knex('outbox').where({ id }).first()) as OutboxRow | undefined;
      return row ? toDelivery(row) : undefined;
    },

    /** A page, newest first (created_at, then id, descending); `status` filters. */
    async list(query: { status?: OutboxStatus | undefined; limit: number; before?: { at: string; id: string } | undefined }): Promise<Delivery[]> {
      const q = knex('outbox');
      if (query.status) q.where({ status: query.status });
      const before = query.before;
      if (before) q.where((w) => w.where('created_at', '<', before.at).orWhere((x) => x.where('created_at', before.at).where('id', '<', before.id)));
      const rows = (await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit)) as OutboxRow[];
      return rows.map(toDelivery);
    },

    /** The audit sequence number up to which events have been turned into rows. */
    async cursor(): Promise<number> {
      const row = (await knex('outbox_cursor').select('seq').where({ id: 1 }).first()) as { seq: number | string };
      return Number(row.seq);
    },

    /** Moves the cursor from `from` to `to`; false when another process moved it first (its rows are the same). */
    async moveCursor(trx: Knex, from: number, to: number): Promise<boolean> {
      return (await trx('outbox_cursor').where({ id: 1, seq: from }).update({ seq: to })) === 1;
    },
  };
}

export type OutboxRepository = ReturnType<typeof outboxRepository>;
