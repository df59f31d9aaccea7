// The incidents table: work that ran out of retries (a timer job, an external task, a message), kept after it is
// resolved so that an operator sees what failed and when.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/** What failed: the kinds of work that retry and can become incidents. */
export type IncidentKind = 'timer' | 'external-task' | 'message';

export interface IncidentRecord {
  id: string;
  kind: IncidentKind;
  /** The job or external task it stands for. */
  subjectId: string;
  instanceId: string;
  definitionId: string;
  elementId: string;
  message: string;
  /** Retries left when it was raised (0: it ran out). */
  retries: number;
  createdAt: string;
  resolvedAt: string | null;
}

interface IncidentRow {
  id: string;
  kind: string;
  subject_id: string;
  instance_id: string;
  definition_id: string;
  element_id: string;
  message: string;
  retries: number | string;
  created_at: string;
  resolved_at: string | null;
}

const toRecord = (r: IncidentRow): IncidentRecord => ({
  id: r.id,
  kind: r.kind as IncidentKind,
  subjectId: r.subject_id,
  instanceId: r.instance_id,
  definitionId: r.definition_id,
  elementId: r.element_id,
  message: r.message,
  retries: Number(r.retries),
  createdAt: r.created_at,
  resolvedAt: r.resolved_at,
});

export function incidentsRepository(knex: Knex) {
  return {
    /** Raises an incident in the caller's transaction; returns it. */
    async raise(trx: Knex.Transaction, input: Omit<IncidentRecord, 'id' | 'resolvedAt'>): Promise<IncidentRecord> {
      const record: IncidentRecord = { ...input, id: randomUUID(), resolvedAt: null };
      await trx('incidents').insert({
        id: record.id,
        kind: record.kind,
        subject_id: record.subjectId,
        instance_id: record.instanceId,
        definition_id: record.definitionId,
        element_id: record.elementId,
        message: record.message,
        retries: record.retries,
        created_at: record.createdAt,
        resolved_at: null,
      });
      return record;
    },

    async byId(id: string, trx?: Knex.Transaction): Promise<IncidentRecord | undefined> {
      const row = (await (trx ?? knex)('incidents').where({ id }).first()) as IncidentRow | undefined;
      return row ? toRecord(row) : undefined;
    },

    /**
     * Incidents newest first, after the `(createdAt, id)` keyset `after`, at most `limit`; `open` keeps the unresolved
     * ones, `definitionIds` those of these versions.
     */
    async list(query: { open?: boolean; definitionIds?: readonly string[]; after?: { createdAt: string; id: string }; limit: number }): Promise<IncidentRecord[]> {
      const q = knex('incidents');
      if (query.open) q.whereNull('resolved_at');
      if (query.definitionIds) q.whereIn('definition_id', [...query.definitionIds]);
      const after = query.after;
      if (after) q.where((w) => w.where('created_at', '<', after.createdAt).orWhere((x) => x.where('created_at', after.createdAt).where('id', '<', after.id)));
      return ((await q.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(query.limit)) as IncidentRow[]).map(toRecord);
    },

    /** Marks an open incident resolved at `at`; false when it was resolved already. */
    async resolve(trx: Knex.Transaction, id: string, at: string): Promise<boolean> {
      return (await trx('incidents').where({ id }).whereNull('resolved_at').update({ resolved_at: at })) === 1;
    },
  };
}

export type IncidentsRepository = ReturnType<typeof incidentsRepository>;
