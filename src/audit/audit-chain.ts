// The audit log: append-only events, each carrying the hash of the one before it.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { fromJson, toJson } from '../db/json.js';

export type AuditEventType =
  | 'definition.deployed'
  | 'instance.started'
  | 'task.created'
  | 'task.claimed'
  | 'task.unclaimed'
  | 'task.completed'
  | 'task.cancelled'
  | 'task.overdue'
  | 'instance.completed'
  | 'instance.cancelled'
  | 'calendar.updated'
  | 'user.created'
  | 'user.updated'
  | 'user.token-rotated'
  | 'attachment.added'
  | 'content.read'
  | 'delegation.created';

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

export function auditChain(knex: Knex, kind: 'sqlite' | 'postgres') {
  return {
    /**
     * Appends events inside the caller's transaction. The head row is locked first, so concurrent
     * writers queue on it and the chain never forks.
     */
    async append(trx: Knex.Transaction, events: NewAuditEvent[]): Promise<AuditEvent[]> {
      if (events.length === 0) return [];
      const query = trx('audit_head').where({ id: 1 });
      // SQLite has one writer at a time already; PostgreSQL needs the row lock.
      const head = (await (kind === 'postgres' ? query.forUpdate() : query).first()) as { seq: number | string; hash: string };
      let seq = Number(head.seq);
      let prev = head.hash;
      const rows: AuditRow[] = [];
      for (const e of events) {
        seq += 1;
        const row: Omit<AuditRow, 'hash'> = {
          seq,
          at: e.at,
          type: e.type,
          definition_key: e.definitionKey ?? null,
          version: e.version ?? null,
          instance_id: e.instanceId ?? null,
          task_id: e.taskId ?? null,
          element_id: e.elementId ?? null,
          step: e.step ?? null,
          user_id: e.userId ?? null,
          role: e.role ?? null,
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
      // Plain inserts in chunks, not knex's batchInsert: that one sleeps a millisecond (setTimeout) before it starts,
      // while this transaction holds the chain head (and, on SQLite, the only connection).
      const chunks: AuditRow[][] = [];
      for (let i = 0; i < rows.length; i += 200) chunks.push(rows.slice(i, i + 200));
      const last = chunks.pop() as AuditRow[];
      for (const chunk of chunks) await trx('audit_events').insert(chunk);
      const insert = trx('audit_events').insert(last);
      const moveHead = trx('audit_head').where({ id: 1 }).update({ seq, hash: prev });
      if (kind === 'postgres') {
        // One round trip less while the head is locked: the last insert rides in front of the head's update.
        const a = insert.toSQL();
        const b = moveHead.toSQL();
        await trx.raw(`with appended as (${a.sql} returning 1) ${b.sql}`, [...a.bindings, ...b.bindings]);
      } else {
        await insert;
        await moveHead;
      }
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
