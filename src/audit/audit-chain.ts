// The audit log: append-only events, each carrying the hash of the one before it.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { fromJson, toJson } from '../db/json.js';
import { storableText } from '../text/canonical-text.js';

export type AuditEventType =
  | 'definition.deployed'
  | 'definition.transferred'
  | 'form.deployed'
  | 'instance.started'
  | 'task.created'
  | 'task.claimed'
  | 'task.unclaimed'
  | 'task.completed'
  | 'task.cancelled'
  | 'task.overdue'
  | 'instance.completed'
  | 'instance.cancelled'
  | 'instance.child-started'
  | 'instance.child-completed'
  | 'element.started'
  | 'element.ended'
  | 'element.interrupted'
  | 'message.delivered'
  | 'signal.received'
  | 'instance.moved'
  | 'instance.migrated'
  | 'definition.suspended'
  | 'definition.resumed'
  | 'calendar.updated'
  | 'task.rescheduled'
  | 'user.created'
  | 'user.updated'
  | 'user.token-rotated'
  | 'attachment.added'
  | 'content.read'
  | 'delegation.created'
  | 'delegation.revoked'
  | 'timer.fired'
  | 'task.escalated'
  | 'incident.created'
  | 'incident.resolved'
  | 'external-task.created'
  | 'external-task.completed'
  | 'external-task.failed'
  | 'external-task.bpmn-error';

export interface DocumentRecord {
  name: string;
  ref?: string;
  /** The stored file this document names, and its SHA-256: evidence that the file was not swapped later. */
  attachmentId?: string;
  sha256?: string;
}

export interface OutputRecord {
  name: string;
  ref?: string;
  value?: string;
}

export interface NewAuditEvent {
  type: AuditEventType;
  at: string;
  definitionKey?: string | null;
  version?: number | null;
  instanceId?: string | null;
  taskId?: string | null;
  elementId?: string | null;
  step?: string | null;
  userId?: string | null;
  role?: string | null;
  documents?: DocumentRecord[] | null;
  output?: OutputRecord[] | null;
  workingMs?: number | null;
  wallMs?: number | null;
  standardMs?: number | null;
  breached?: boolean | null;
  data?: Record<string, unknown> | null;
}

export interface AuditEvent extends Required<Omit<NewAuditEvent, 'data'>> {
  seq: number;
  data: Record<string, unknown> | null;
  prevHash: string;
  hash: string;
}

interface AuditRow {
  seq: number | string;
  at: string;
  type: string;
  definition_key: string | null;
  version: number | null;
  instance_id: string | null;
  task_id: string | null;
  element_id: string | null;
  step: string | null;
  user_id: string | null;
  role: string | null;
  documents: string | null;
  output: string | null;
  working_ms: number | string | null;
  wall_ms: number | string | null;
  standard_ms: number | string | null;
  breached: number | boolean | null;
  data: string | null;
  prev_hash: string;
  hash: string;
}

const num = (v: number | string | null): number | null => (v === null || v === undefined ? null : Number(v));

function toEvent(row: AuditRow): AuditEvent {
  return {
    seq: Number(row.seq),
    at: row.at,
    type: row.type as AuditEventType,
    definitionKey: row.definition_key,
    version: row.version,
    instanceId: row.instance_id,
    taskId: row.task_id,
    elementId: row.element_id,
    step: row.step,
    userId: row.user_id,
    role: row.role,
    documents: fromJson<DocumentRecord[] | null>(row.documents, null),
    output: fromJson<OutputRecord[] | null>(row.output, null),
    workingMs: num(row.working_ms),
    wallMs: num(row.wall_ms),
    standardMs: num(row.standard_ms),
    breached: row.breached === null ? null : Boolean(row.breached),
    data: fromJson<Record<string, unknown> | null>(row.data, null),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** The hash covers every stored column but the hash itself, in a fixed order. */
export function hashEvent(row: Omit<AuditRow, 'hash'>): string {
  const canonical = [
    Number(row.seq),
    row.at,
    row.type,
    row.definition_key,
    row.version === null ? null : Number(row.version),
    row.instance_id,
    row.task_id,
    row.element_id,
    row.step,
    row.user_id,
    row.role,
    row.documents,
    row.output,
    num(row.working_ms),
    num(row.wall_ms),
    num(row.standard_ms),
    row.breached === null ? null : Boolean(row.breached),
    row.data,
    row.prev_hash,
  ];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

interface Head {
  seq: number;
  hash: string;
}

/**
 * A text column as it is stored, hashed and read back. The boundaries refuse text that is not canonical; this keeps
 * a value that slipped past them from being hashed in one form and stored in another (the chain would then read as
 * broken for good) or from failing PostgreSQL's JSON input. JSON columns need nothing: JSON.stringify escapes both.
 */
const text = (value: string | null | undefined): string | null => (value === null || value === undefined ? null : storableText(value));

/** The stored rows of `events` chained after `head`. */
function chainRows(head: Head, events: NewAuditEvent[]): AuditRow[] {
  let seq = head.seq;
  let prev = head.hash;
  const rows: AuditRow[] = [];
  for (const e of events) {
    seq += 1;
    const row: Omit<AuditRow, 'hash'> = {
      seq,
      at: storableText(e.at),
      type: e.type,
      definition_key: text(e.definitionKey),
      version: e.version ?? null,
      instance_id: text(e.instanceId),
      task_id: text(e.taskId),
      element_id: text(e.elementId),
      step: text(e.step),
      user_id: text(e.userId),
      role: text(e.role),
      documents: e.documents ? toJson(e.documents) : null,
      output: e.output ? toJson(e.output) : null,
      working_ms: e.workingMs ?? null,
      wall_ms: e.wallMs ?? null,
      standard_ms: e.standardMs ?? null,
      breached: e.breached ?? null,
      data: e.data ? toJson(e.data) : null,
      prev_hash: prev,
    };
    const hash = hashEvent(row);
    rows.push({ ...row, hash });
    prev = hash;
  }
  return rows;
}

const lastOf = (rows: AuditRow[]): Head => {
  const last = rows[rows.length - 1] as AuditRow;
  return { seq: Number(last.seq), hash: last.hash };
};

/** `ahead` as CTEs in front of a statement (PostgreSQL); only inserts of new rows, which never wait for a lock. */
function aheadOf(ahead: Knex.QueryBuilder[]): { ctes: string[]; bindings: unknown[] } {
  const parts = ahead.map((q) => q.toSQL());
  for (const p of parts) if (!/^insert into /i.test(p.sql)) throw new Error(`audit append: only inserts may go ahead (${p.sql.slice(0, 40)})`);
  return { ctes: parts.map((p, i) => `ahead${i} as (${p.sql} returning 1)`), bindings: parts.flatMap((p) => [...p.bindings]) };
}

export function auditChain(knex: Knex, kind: 'sqlite' | 'postgres') {
  // PostgreSQL: the head is a row lock held from the statement that takes it to COMMIT, so every client round trip
  // inside that span is paid by every other writer waiting for it. A process therefore predicts the head: its
  // appends take turns, each computes its hashes after the previous one's head (known once that one's statement
  // returned, before it commits), and sends one statement that moves the head only if it still is the predicted
  // one (the UPDATE waits for the lock, then checks the committed row) and inserts the events only if it moved.
  // Another process's append, or a rollback after an append, makes the prediction wrong: then that statement has
  // taken the head as it really is and returns it, and the events go after it in a second statement. The chain is
  // the same either way.
  let predicted: Head | null = null;
  let turn: Promise<void> = Promise.resolve();
  // Transactions that hold the head already: a second append in one of them must not queue behind an append
  // that waits for this very transaction's COMMIT.
  const holding = new WeakSet<Knex.Transaction>();

  /** Locks the head (PostgreSQL) and reads it, after running `ahead` (on PostgreSQL in the same statement). */
  async function takeHead(trx: Knex.Transaction, ahead: Knex.QueryBuilder[]): Promise<Head> {
    let stored: { seq: number | string; hash: string };
    if (kind === 'postgres') {
      const { ctes, bindings } = aheadOf(ahead);
      const lock = 'select seq, hash from audit_head where id = 1 for update';
      const result = (await trx.raw(ctes.length === 0 ? lock : `with ${ctes.join(', ')} ${lock}`, bindings as Knex.RawBinding[])) as { rows: Array<typeof stored> };
      stored = result.rows[0] as typeof stored;
    } else {
      // SQLite has one writer at a time already: no lock, and no round trips to save.
      for (const q of ahead) await q;
      stored = (await trx('audit_head').select('seq', 'hash').where({ id: 1 }).first()) as typeof stored;
    }
    return { seq: Number(stored.seq), hash: stored.hash };
  }

  /** Appends after `head`, which this transaction holds; on PostgreSQL the head's update rides with the last insert. */
  async function appendAfter(trx: Knex.Transaction, events: NewAuditEvent[], head: Head): Promise<AuditRow[]> {
    const rows = chainRows(head, events);
    // Plain inserts in chunks, not knex's batchInsert: that one sleeps a millisecond (setTimeout) before it starts,
    // while this transaction holds the chain head (and, on SQLite, the only connection).
    const chunks: AuditRow[][] = [];
    for (let i = 0; i < rows.length; i += 200) chunks.push(rows.slice(i, i + 200));
    const last = chunks.pop() as AuditRow[];
    for (const chunk of chunks) await trx('audit_events').insert(chunk);
    const insert = trx('audit_events').insert(last);
    const moveHead = trx('audit_head').where({ id: 1 }).update(lastOf(rows));
    if (kind === 'postgres') {
      const a = insert.toSQL();
      const b = moveHead.toSQL();
      await trx.raw(`with appended as (${a.sql} returning 1) ${b.sql}`, [...a.bindings, ...b.bindings]);
    } else {
      await insert;
      await moveHead;
    }
    return rows;
  }

  /**
   * One statement (PostgreSQL): the `ahead` inserts; the head taken and moved on only if it is `after`; the events
   * inserted only if it moved. The UPDATE matches the head row whatever it holds, so it waits for the lock and then
   * sees the committed row (a WHERE on the old values would skip a row changed since the statement's snapshot).
   * Gives the rows, or the head as it really is (held by this transaction now).
   */
  async function predictedAppend(trx: Knex.Transaction, events: NewAuditEvent[], ahead: Knex.QueryBuilder[], after: Head): Promise<AuditRow[] | Head> {
    const rows = chainRows(after, events);
    const head = lastOf(rows);
    const { ctes, bindings } = aheadOf(ahead);
    const columns = Object.keys(rows[0] as AuditRow).map((c) => `"${c}"`).join(', ');
    const hit = '(seq = ? and hash = ?)';
    const sql =
      `with ${[
        ...ctes,
        `moved as (update audit_head set seq = case when ${hit} then ? else seq end, hash = case when ${hit} then ? else hash end where id = 1 returning seq, hash)`,
        `appended as (insert into audit_events (${columns}) select ${columns} from json_populate_recordset(null::audit_events, ?::json) where exists (select 1 from moved where hash = ?) returning 1)`,
      ].join(', ')} ` + 'select seq, hash from moved';
    const params = [...bindings, after.seq, after.hash, head.seq, after.seq, after.hash, head.hash, JSON.stringify(rows), head.hash];
    const result = (await trx.raw(sql, params as Knex.RawBinding[])) as { rows: Array<{ seq: number | string; hash: string }> };
    const now = result.rows[0] as { seq: number | string; hash: string };
    return now.hash === head.hash ? rows : { seq: Number(now.seq), hash: now.hash };
  }

  return {
    /**
     * Appends events inside the caller's transaction. Concurrent writers queue on the head row, so the chain never
     * forks; the append should be the transaction's last statement, for the head is held until COMMIT.
     *
     * `ahead`: inserts of new rows that belong to the same change (an instance, its tasks), not yet run. They run
     * before the events; on PostgreSQL in the very statement that takes the head, one round trip for all. Only
     * inserts of new rows: that statement may take the head before it runs them, so nothing in it may wait for a
     * row another transaction holds while that one waits for the head.
     */
    async append(trx: Knex.Transaction, events: NewAuditEvent[], ahead: Knex.QueryBuilder[] = []): Promise<AuditEvent[]> {
      if (events.length === 0) {
        for (const q of ahead) await q;
        return [];
      }
      if (kind !== 'postgres' || holding.has(trx)) {
        const rows = await appendAfter(trx, events, await takeHead(trx, ahead));
        if (kind === 'postgres') predicted = lastOf(rows);
        return rows.map(toEvent);
      }
      const previous = turn;
      let done!: () => void;
      turn = new Promise<void>((resolve) => (done = resolve));
      try {
        await previous;
        const guess = predicted;
        predicted = null;
        const outcome = guess ? await predictedAppend(trx, events, ahead, guess) : await takeHead(trx, ahead);
        // A wrong guess (or none): the head is held now, as it really is; append after it.
        holding.add(trx);
        const rows = Array.isArray(outcome) ? outcome : await appendAfter(trx, events, outcome);
        predicted = lastOf(rows);
        return rows.map(toEvent);
      } finally {
        done();
      }
    },

    /** Events of `types` after `afterSeq`, oldest first, at most `limit`; `from` (inclusive) and `to` (exclusive) bound `at`. */
    async ofTypes(query: { types: readonly string[]; afterSeq: number; limit: number; from?: string | undefined; to?: string | undefined }): Promise<AuditEvent[]> {
      const q = knex('audit_events').whereIn('type', [...query.types]).where('seq', '>', query.afterSeq);
      if (query.from !== undefined) q.where('at', '>=', query.from);
      if (query.to !== undefined) q.where('at', '<', query.to);
      const rows = (await q.orderBy('seq').limit(query.limit)) as AuditRow[];
      return rows.map(toEvent);
    },

    async forInstance(instanceId: string): Promise<AuditEvent[]> {
      const rows = (await knex('audit_events').where({ instance_id: instanceId }).orderBy('seq')) as AuditRow[];
      return rows.map(toEvent);
    },

    /** The stored head of the chain. */
    async head(): Promise<{ seq: number; hash: string; at: string | null }> {
      const head = (await knex('audit_head').where({ id: 1 }).first()) as { seq: number | string; hash: string };
      const last = (await knex('audit_events').select('at').where({ seq: Number(head.seq) }).first()) as { at: string } | undefined;
      return { seq: Number(head.seq), hash: head.hash, at: last?.at ?? null };
    },

    /** Recomputes the chain from the start up to `seq`; the hash there, or undefined when a link breaks first. */
    async recomputeTo(seq: number, pageSize = 1000): Promise<string | undefined> {
      let prev = '0'.repeat(64);
      let after = 0;
      while (after < seq) {
        const rows = (await knex('audit_events').where('seq', '>', after).andWhere('seq', '<=', seq).orderBy('seq').limit(pageSize)) as AuditRow[];
        if (rows.length === 0) return undefined;
        for (const row of rows) {
          const { hash: _stored, ...rest } = row;
          if (Number(row.seq) !== after + 1 || row.prev_hash !== prev) return undefined;
          prev = hashEvent(rest);
          after = Number(row.seq);
        }
      }
      return prev;
    },

    /** Recomputes the chain in pages; names the first event whose link or hash does not hold. */
    async verify(pageSize = 1000): Promise<{ ok: boolean; events: number; brokenAt?: number }> {
      let prev = '0'.repeat(64);
      let after = 0;
      let count = 0;
      for (;;) {
        const rows = (await knex('audit_events').where('seq', '>', after).orderBy('seq').limit(pageSize)) as AuditRow[];
        if (rows.length === 0) break;
        for (const row of rows) {
          const { hash, ...rest } = row;
          if (row.prev_hash !== prev || hashEvent(rest) !== hash) return { ok: false, events: count, brokenAt: Number(row.seq) };
          prev = hash;
          count++;
          after = Number(row.seq);
        }
      }
      const head = (await knex('audit_head').where({ id: 1 }).first()) as { seq: number | string; hash: string };
      if (Number(head.seq) !== after || head.hash !== prev) return { ok: false, events: count, brokenAt: after + 1 };
      return { ok: true, events: count };
    },
  };
}

export type AuditChain = ReturnType<typeof auditChain>;
