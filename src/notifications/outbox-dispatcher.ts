// Delivers the outbox: in every process, after a change commits and on a poll, it turns new audit events into rows
// and sends the rows that are due, each under a lease so that two processes do not send one row at the same time.
// Delivery is at least once: a process that dies mid-send leaves the row to be taken again when its lease runs
// out, with the same idempotency key.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Send } from './channels.js';
import type { OutboxExpander } from './outbox-expander.js';
import type { Delivery, OutboxRepository } from './outbox-repository.js';
import type { Channel } from './preferences.js';

export interface DispatcherOptions {
  /** How long a claimed row is this process's, in ms (wall time); a send takes at most SEND_TIMEOUT_MS. Default 60 s. */
  leaseMs?: number;
  /** Attempts before a row is `failed`. Default 6. */
  maxAttempts?: number;
  /** The wait after the first failed attempt, in ms, doubled after each further one (capped at 1 h). Default 30 s. */
  backoffMs?: number;
  /** Rows taken per pass. Default 50. */
  batchSize?: number;
  /** This process's name in `locked_by`. Default host, pid and a random suffix. */
  id?: string;
}

export interface DispatcherDeps {
  outbox: OutboxRepository;
  expander: OutboxExpander;
  senders: Partial<Record<Channel, Send>>;
  clock: () => Date;
  log: Logger;
}

export interface TickResult {
  /** Rows written from audit events. */
  written: number;
  delivered: number;
  /** Attempts that failed (the row waits for its next attempt, or is `failed`). */
  failedAttempts: number;
}

const MAX_BACKOFF_MS = 3_600_000;

/** Kicks within this many ms of each other make one tick. */
export const KICK_DELAY_MS = 50;

/** The wait before attempt `attempts + 1`, after `attempts` failed ones: base, 2×base, 4×base … capped at an hour. */
export function backoffMs(base: number, attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, base * 2 ** Math.max(0, attempts - 1));
}

export function outboxDispatcher(deps: DispatcherDeps, options: DispatcherOptions = {}) {
  const { outbox, expander, senders, clock, log } = deps;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 6;
  const base = options.backoffMs ?? 30_000;
  const batchSize = options.batchSize ?? 50;
  const id = options.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  /** One attempt at one claimed row; the outcome is stored, never thrown. */
  async function attempt(row: Delivery): Promise<boolean> {
    const send = senders[row.channel];
    if (!send) {
      await outbox.markUndeliverable(row.id, `${row.channel === 'email' ? 'SMTP_URL' : 'WEBHOOK_URL'} is not set`);
      return false;
    }
    try {
      await send(row, clock());
      await outbox.markDelivered(row.id, clock().toISOString());
      return true;
    } catch (err) {
      const last = row.attempts >= maxAttempts;
      const retryAt = last ? null : new Date(clock().getTime() + backoffMs(base, row.attempts)).toISOString();
      await outbox.markAttemptFailed(row.id, id, (err as Error).message, retryAt);
      log.warn({ outboxId: row.id, channel: row.channel, attempts: row.attempts, retryAt, err: (err as Error).message }, last ? 'notification failed for good' : 'notification attempt failed');
      return false;
    }
  }

  /** Sends the rows due now, one at a time, each claimed first. */
  async function deliverDue(result: TickResult): Promise<void> {
    for (;;) {
      const now = clock();
      const due = await outbox.due(now.toISOString(), batchSize);
      let taken = 0;
      for (const candidate of due) {
        const row = await outbox.claim(candidate.id, { by: id, now: now.toISOString(), until: new Date(now.getTime() + leaseMs).toISOString() });
        if (!row) continue;
        taken++;
        if (await attempt(row)) result.delivered++;
        else if (row.channel in senders) result.failedAttempts++;
      }
      if (due.length < batchSize || taken === 0) return;
    }
  }

  async function runTick(): Promise<TickResult> {
    const result: TickResult = { written: 0, delivered: 0, failedAttempts: 0 };
    for (let i = 0; i < 100; i++) {
      const step = await expander.expandOnce();
      result.written += step.deliveries;
      if (!step.more) break;
    }
    await deliverDue(result);
    return result;
  }

  let running: Promise<TickResult> | null = null;
  let queued: Promise<TickResult> | null = null;
  let kicked = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;

  /**
   * One pass: new audit events become rows, then every row due now is attempted. A tick asked for while one runs
   * runs once after it (the running one may have read the chain before the newest commit); further asks share it.
   */
  function tick(): Promise<TickResult> {
    if (!running) {
      running = runTick().finally(() => {
        running = null;
      });
      return running;
    }
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = null;
        return tick();
      });
    return queued;
  }

  const safeTick = () => void tick().catch((err: unknown) => log.error({ err }, 'outbox dispatch failed'));

  return {
    id,
    tick,
    /**
     * Asks for a tick after a change committed. Asks within KICK_DELAY_MS make one tick, so a burst of requests
     * costs the database a few reads, not a pass each. No-op unless started.
     */
    kick(): void {
      if (stopped || kicked) return;
      kicked = true;
      setTimeout(() => {
        kicked = false;
        if (!stopped) safeTick();
      }, KICK_DELAY_MS).unref();
    },
    /** Ticks every `pollMs` until stop, and serves kicks. */
    start(pollMs: number): void {
      stopped = false;
      timer = setInterval(() => {
        if (!running) safeTick();
      }, pollMs);
      timer.unref();
    },
    /** Stops the poll and waits for a running tick. */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await Promise.all([running, queued].map((p) => p?.catch(() => undefined)));
    },
  };
}

export type OutboxDispatcher = ReturnType<typeof outboxDispatcher>;
