// The task projection that task lists read: one row per user-task execution; knows nothing of HTTP.
import type { Knex } from 'knex';
import { fromJson } from '../db/json.js';
import type { DocumentRecord, OutputRecord } from '../audit/audit-chain.js';

export type TaskStatus = 'open' | 'claimed' | 'completed' | 'cancelled';

export interface TaskRow {
  id: string;
  instance_id: string;
  definition_id: string;
  definition_key: string;
  version: number;
  element_id: string;
  execution_id: string;
  name: string | null;
  step: string | null;
  role: string | null;
  candidate_user_id: string | null;
  assignee: string | null;
  status: TaskStatus;
  created_at: string;
  claimed_at: string | null;
  completed_at: string | null;
  completed_by: string | null;
  starts_at: string | null;
  due_at: string | null;
  standard_ms: number | string | null;
  overdue_at: string | null;
  documents: string | null;
  output: string | null;
  variables: string | null;
  working_ms?: number | string | null;
  wall_ms?: number | string | null;
  breached?: number | boolean | null;
  /** Content recorded at a confidential step, sealed with the content key. */
  sealed_content?: Buffer | Uint8Array | null;
}

export interface TaskRecord {
  id: string;
  instanceId: string;
  definitionId: string;
  definitionKey: string;
  version: number;
  elementId: string;
  executionId: string;
  name: string | null;
  step: string | null;
  role: string | null;
  candidateUserId: string | null;
  assignee: string | null;
  status: TaskStatus;
  createdAt: string;
  claimedAt: string | null;
  completedAt: string | null;
  completedBy: string | null;
  startsAt: string | null;
  dueAt: string | null;
  standardMs: number | null;
  overdueAt: string | null;
  documents: DocumentRecord[] | null;
  output: OutputRecord[] | null;
  variables: Record<string, unknown> | null;
  workingMs: number | null;
  wallMs: number | null;
  breached: boolean | null;
  /** Whether content recorded at a confidential step is sealed on this task (readable by its author only). */
  contentSealed: boolean;
}

export function toTaskRecord(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    definitionId: row.definition_id,
    definitionKey: row.definition_key,
    version: Number(row.version),
    elementId: row.element_id,
    executionId: row.execution_id,
    name: row.name,
    step: row.step,
    role: row.role,
    candidateUserId: row.candidate_user_id,
    assignee: row.assignee,
    status: row.status,
    createdAt: row.created_at,
    claimedAt: row.claimed_at,
    completedAt: row.completed_at,
    completedBy: row.completed_by,
    startsAt: row.starts_at,
    dueAt: row.due_at,
    standardMs: row.standard_ms === null ? null : Number(row.standard_ms),
    overdueAt: row.overdue_at,
    documents: fromJson<DocumentRecord[] | null>(row.documents, null),
    output: fromJson<OutputRecord[] | null>(row.output, null),
    variables: fromJson<Record<string, unknown> | null>(row.variables, null),
    workingMs: row.working_ms === null || row.working_ms === undefined ? null : Number(row.working_ms),
    wallMs: row.wall_ms === null || row.wall_ms === undefined ? null : Number(row.wall_ms),
    breached: row.breached === null || row.breached === undefined ? null : Boolean(row.breached),
    contentSealed: row.sealed_content !== null && row.sealed_content !== undefined,
  };
}

export interface TaskQuery {
  /** Roles whose tasks the caller may see; undefined = every role (admin). */
  visibleRoles?: string[];
  userId: string;
  role?: string;
  assigneeIsMe?: boolean;
  definitionKey?: string;
  instanceId?: string;
  statuses: TaskStatus[];
  overdueAt?: string;
  limit: number;
  after?: { dueAt: string | null; id: string };
}

export function tasksRepository(knex: Knex) {
  return {
    async byId(id: string, trx: Knex = knex): Promise<TaskRecord | undefined> {
      const row = (await trx('tasks').where({ id }).first()) as TaskRow | undefined;
      return row ? toTaskRecord(row) : undefined;
    },
    async sealedContent(id: string): Promise<Buffer | undefined> {
      const row = (await knex('tasks').select('sealed_content').where({ id }).first()) as { sealed_content: Buffer | Uint8Array | null } | undefined;
      return row?.sealed_content ? Buffer.from(row.sealed_content) : undefined;
    },
    async openForInstance(instanceId: string, trx: Knex = knex): Promise<TaskRecord[]> {
      const rows = (await trx('tasks').where({ instance_id: instanceId }).whereIn('status', ['open', 'claimed']).orderBy('created_at')) as TaskRow[];
      return rows.map(toTaskRecord);
    },
    async forInstance(instanceId: string): Promise<TaskRecord[]> {
      const rows = (await knex('tasks').where({ instance_id: instanceId }).orderBy([{ column: 'created_at' }, { column: 'id' }])) as TaskRow[];
      return rows.map(toTaskRecord);
    },
    async insert(trx: Knex.Transaction, rows: TaskRow[]): Promise<void> {
      if (rows.length > 0) await trx.batchInsert('tasks', rows, 100);
    },
    /** Moves a task from one of `from` to a new status; false when it was no longer in `from` (a lost race). */
    async transition(trx: Knex.Transaction, id: string, from: TaskStatus[], changes: Partial<TaskRow>): Promise<boolean> {
      const n = await trx('tasks').where({ id }).whereIn('status', from).update(changes);
      return n === 1;
    },
    async setAssignee(id: string, expected: string | null, changes: Partial<TaskRow>, trx: Knex = knex): Promise<boolean> {
      const q = trx('tasks').where({ id }).whereIn('status', ['open', 'claimed']);
      const n = await (expected === null ? q.whereNull('assignee') : q.where({ assignee: expected })).update(changes);
      return n === 1;
    },
    /** Keyset page ordered by due date (none last), then id. */
    async list(q: TaskQuery): Promise<TaskRecord[]> {
      const query = knex('tasks').whereIn('status', q.statuses);
      if (q.visibleRoles) {
        const roles = q.visibleRoles;
        query.where((w) => {
          // A user without roles matches no role; '1 = 0' keeps the rest of the condition valid on every database.
          w.where((r) => (roles.length ? r.whereIn('role', roles) : r.whereRaw('1 = 0')).where((c) => c.whereNull('candidate_user_id').orWhere('candidate_user_id', q.userId)));
          w.orWhere('assignee', q.userId).orWhere('candidate_user_id', q.userId);
        });
      }
      if (q.role) query.where('role', q.role);
      if (q.assigneeIsMe) query.where('assignee', q.userId);
      if (q.definitionKey) query.where('definition_key', q.definitionKey);
      if (q.instanceId) query.where('instance_id', q.instanceId);
      if (q.overdueAt) query.whereNotNull('due_at').where('due_at', '<', q.overdueAt);
      const after = q.after;
      if (after) {
        if (after.dueAt === null) query.whereNull('due_at').where('id', '>', after.id);
        else {
          const dueAt = after.dueAt;
          query.where((w) => w.where('due_at', '>', dueAt).orWhere((x) => x.where('due_at', dueAt).where('id', '>', after.id)).orWhereNull('due_at'));
        }
      }
      const rows = (await query
        .orderByRaw('(case when due_at is null then 1 else 0 end)')
        .orderBy('due_at')
        .orderBy('id')
        .limit(q.limit)) as TaskRow[];
      return rows.map(toTaskRecord);
    },
  };
}

export type TasksRepository = ReturnType<typeof tasksRepository>;
