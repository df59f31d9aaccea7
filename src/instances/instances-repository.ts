// Process instances with their engine state and revision; knows nothing of HTTP.
import type { Knex } from 'knex';
import { fromJson, toJson } from '../db/json.js';
import type { EngineState } from '../engine/process-runtime.js';

export type InstanceStatus = 'running' | 'completed' | 'cancelled';

export interface InstanceRecord {
  id: string;
  definitionId: string;
  definitionKey: string;
  version: number;
  businessKey: string | null;
  status: InstanceStatus;
  startedBy: string;
  startedAt: string;
  endedAt: string | null;
  variables: Record<string, unknown>;
  rev: number;
  cancelReason: string | null;
  /** A child case: the case whose call activity started it, and that activity's element and execution. */
  parentInstanceId: string | null;
  parentElementId: string | null;
  parentExecutionId: string | null;
}

interface InstanceRow {
  id: string;
  definition_id: string;
  definition_key: string;
  version: number;
  business_key: string | null;
  status: InstanceStatus;
  started_by: string;
  started_at: string;
  ended_at: string | null;
  variables: string;
  engine_state: string;
  rev: number;
  cancel_reason: string | null;
  parent_instance_id: string | null;
  parent_element_id: string | null;
  parent_execution_id: string | null;
}

const SUMMARY = [
  'id',
  'definition_id',
  'definition_key',
  'version',
  'business_key',
  'status',
  'started_by',
  'started_at',
  'ended_at',
  'variables',
  'rev',
  'cancel_reason',
  'parent_instance_id',
  'parent_element_id',
  'parent_execution_id',
];

function toInstance(row: InstanceRow): InstanceRecord {
  return {
    id: row.id,
    definitionId: row.definition_id,
    definitionKey: row.definition_key,
    version: Number(row.version),
    businessKey: row.business_key,
    status: row.status,
    startedBy: row.started_by,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    variables: fromJson<Record<string, unknown>>(row.variables, {}),
    rev: Number(row.rev),
    cancelReason: row.cancel_reason,
    parentInstanceId: row.parent_instance_id ?? null,
    parentElementId: row.parent_element_id ?? null,
    parentExecutionId: row.parent_execution_id ?? null,
  };
}

export interface InstanceQuery {
  definitionKey?: string;
  status?: InstanceStatus;
  /** Exact business key (e.g. a letter's number), as given at the start. */
  businessKey?: string;
  /** Visibility: instances of these keys, or started by `orStartedBy`. */
  visibleKeys?: string[];
  orStartedBy?: string;
  limit: number;
  after?: { startedAt: string; id: string };
}

export function instancesRepository(knex: Knex) {
  return {
    async byId(id: string, trx: Knex = knex): Promise<InstanceRecord | undefined> {
      const row = (await trx('instances').select(SUMMARY).where({ id }).first()) as InstanceRow | undefined;
      return row ? toInstance(row) : undefined;
    },
    /** The instance with its engine state, read in one query so both belong to the same revision. */
    async withState(id: string, trx: Knex = knex): Promise<(InstanceRecord & { state: EngineState }) | undefined> {
      const row = (await trx('instances').select([...SUMMARY, 'engine_state']).where({ id }).first()) as InstanceRow | undefined;
      return row ? { ...toInstance(row), state: fromJson<EngineState>(row.engine_state, {}) } : undefined;
    },
    /** The insert of a new instance, not yet run: the caller awaits it or hands it to the audit append (`ahead`). */
    insert(trx: Knex.Transaction, input: Omit<InstanceRecord, 'rev' | 'cancelReason'> & { state: EngineState }): Knex.QueryBuilder {
      const row: InstanceRow = {
        id: input.id,
        definition_id: input.definitionId,
        definition_key: input.definitionKey,
        version: input.version,
        business_key: input.businessKey,
        status: input.status,
        started_by: input.startedBy,
        started_at: input.startedAt,
        ended_at: input.endedAt,
        variables: toJson(input.variables),
        engine_state: toJson(input.state),
        rev: 1,
        cancel_reason: null,
        parent_instance_id: input.parentInstanceId,
        parent_element_id: input.parentElementId,
        parent_execution_id: input.parentExecutionId,
      };
      return trx('instances').insert(row);
    },
    /** Ids of running instances whose stored state is of `format` (read again with withState before use). */
    async runningIdsStoredAs(format: string): Promise<string[]> {
      // toJson writes `"format":"…"` with no spaces; the caller checks the parsed state, this only narrows the read.
      const rows = (await knex('instances').select('id').where({ status: 'running' }).where('engine_state', 'like', `%"format":"${format}"%`).orderBy('started_at').orderBy('id')) as Array<{ id: string }>;
      return rows.map((r) => r.id);
    },
    /** Writes the next revision; false when someone else wrote `rev + 1` first. */
    async advance(
      trx: Knex.Transaction,
      id: string,
      rev: number,
      changes: { state?: EngineState; variables?: Record<string, unknown>; status?: InstanceStatus; endedAt?: string | null; cancelReason?: string },
    ): Promise<boolean> {
      const update: Partial<InstanceRow> = { rev: rev + 1 };
      if (changes.state) update.engine_state = toJson(changes.state);
      if (changes.variables) update.variables = toJson(changes.variables);
      if (changes.status) update.status = changes.status;
      if (changes.endedAt !== undefined) update.ended_at = changes.endedAt;
      if (changes.cancelReason !== undefined) update.cancel_reason = changes.cancelReason;
      const n = await trx('instances').where({ id, rev }).update(update);
      return n === 1;
    },
    /**
     * Moves a case to another version of its definition: the version, and the engine state rebuilt on it, as the next
     * revision; false when someone else wrote `rev + 1` first.
     */
    async migrate(trx: Knex.Transaction, id: string, rev: number, to: { definitionId: string; version: number; state: EngineState }): Promise<boolean> {
      const n = await trx('instances').where({ id, rev, status: 'running' }).update({ rev: rev + 1, definition_id: to.definitionId, version: to.version, engine_state: toJson(to.state) });
      return n === 1;
    },
    /**
     * Ids of the running cases of a definition version, oldest first, narrowed by business key and start time
     * (ISO 8601, `startedAfter` inclusive, `startedBefore` exclusive); at most `limit`.
     */
    async runningIdsOf(definitionId: string, filter: { businessKey?: string | undefined; startedAfter?: string | undefined; startedBefore?: string | undefined }, limit: number): Promise<string[]> {
      const q = knex('instances').select('id').where({ definition_id: definitionId, status: 'running' });
      if (filter.businessKey !== undefined) q.where('business_key', filter.businessKey);
      if (filter.startedAfter !== undefined) q.where('started_at', '>=', filter.startedAfter);
      if (filter.startedBefore !== undefined) q.where('started_at', '<', filter.startedBefore);
      const rows = (await q.orderBy('started_at').orderBy('id').limit(limit)) as Array<{ id: string }>;
      return rows.map((r) => r.id);
    },
    /**
     * Locks the rows of linked cases in id order (PostgreSQL; SQLite has one writer anyway). A request that moves
     * several cases (a child's end resuming its parent, a cancel of a tree) takes them all first, in one order, so
     * that two such requests never hold one case each while waiting for the other's.
     */
    async lockInOrder(trx: Knex.Transaction, ids: string[]): Promise<void> {
      if (ids.length < 2 || trx.client.config.client !== 'pg') return;
      await trx('instances').select('id').whereIn('id', [...ids].sort()).orderBy('id').forUpdate();
    },
    /** The cases a case's call activities started, oldest first. */
    async children(id: string, trx: Knex = knex): Promise<InstanceRecord[]> {
      const rows = (await trx('instances').select(SUMMARY).where({ parent_instance_id: id }).orderBy('started_at').orderBy('id')) as InstanceRow[];
      return rows.map(toInstance);
    },
    /** The child case ids of each of `ids` (one query for a page), oldest first; a case without children is absent. */
    async childIds(ids: string[]): Promise<Map<string, string[]>> {
      const byParent = new Map<string, string[]>();
      if (ids.length === 0) return byParent;
      const rows = (await knex('instances').select('id', 'parent_instance_id').whereIn('parent_instance_id', ids).orderBy('started_at').orderBy('id')) as InstanceRow[];
      for (const row of rows) {
        const parent = row.parent_instance_id as string;
        byParent.set(parent, [...(byParent.get(parent) ?? []), row.id]);
      }
      return byParent;
    },
    async list(q: InstanceQuery): Promise<InstanceRecord[]> {
      const query = knex('instances').select(SUMMARY);
      if (q.definitionKey) query.where('definition_key', q.definitionKey);
      if (q.status) query.where('status', q.status);
      if (q.businessKey !== undefined) query.where('business_key', q.businessKey);
      const keys = q.visibleKeys;
      if (keys) query.where((w) => (keys.length ? w.whereIn('definition_key', keys) : w.whereRaw('1 = 0')).orWhere('started_by', q.orStartedBy ?? ''));
      const after = q.after;
      if (after) query.where((w) => w.where('started_at', '>', after.startedAt).orWhere((x) => x.where('started_at', after.startedAt).where('id', '>', after.id)));
      const rows = (await query.orderBy('started_at').orderBy('id').limit(q.limit)) as InstanceRow[];
      return rows.map(toInstance);
    },
  };
}

export type InstancesRepository = ReturnType<typeof instancesRepository>;
