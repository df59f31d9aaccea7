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
  /** JSON lists of role ids and user ids who may act beside the lane role (Camunda assignment); null for none. */
  candidate_groups?: string | null;
  candidate_users?: string | null;
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
  /** The iteration's index in a multi-instance or looped activity. */
  loop_counter?: number | null;
  /** JSON `{name, value}`: the multi-instance element variable of this iteration. */
  element_variable?: string | null;
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
  /** Role ids whose holders may act on the task beside its lane role (camunda:candidateGroups …). */
  candidateGroups: string[];
  /** User ids who may act on the task beside its lane role (camunda:candidateUsers, the assignee). */
  candidateUsers: string[];
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
  /** The iteration's index (0-based) in a multi-instance or looped activity; null for a plain task. */
  loopCounter: number | null;
  /** The multi-instance item this task works on: the element variable's name and value. */
  elementVariable: { name: string; value: unknown } | null;
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
    candidateGroups: fromJson<string[]>(row.candidate_groups ?? null, []),
    candidateUsers: fromJson<string[]>(row.candidate_users ?? null, []),
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
    loopCounter: row.loop_counter === null || row.loop_counter === undefined ? null : Number(row.loop_counter),
    elementVariable: fromJson<{ name: string; value: unknown } | null>(row.element_variable, null),
    workingMs: row.working_ms === null || row.working_ms === undefined ? null : Number(row.working_ms),
    wallMs: row.wall_ms === null || row.wall_ms === undefined ? null : Number(row.wall_ms),
    breached: row.breached === null || row.breached === undefined ? null : Boolean(row.breached),
    contentSealed: row.sealed_content !== null && row.sealed_content !== undefined,
  };
}

/** The task_candidates rows of a new task: one per candidate group and user (what GET /tasks finds them by). */
function candidateRows(row: TaskRow): Array<{ task_id: string; kind: 'group' | 'user'; value: string }> {
  const groups = fromJson<string[]>(row.candidate_groups ?? null, []).map((value) => ({ task_id: row.id, kind: 'group' as const, value }));
  const users = fromJson<string[]>(row.candidate_users ?? null, []).map((value) => ({ task_id: row.id, kind: 'user' as const, value }));
  return [...groups, ...users];
}

export interface TaskQuery {
  /** Roles whose tasks the caller may see; undefined = every role (admin). */
  visibleRoles?: string[];
  /** SOP keys whose tasks of no role and no candidates the caller does as the unit's owner. */
  ownedKeys?: string[];
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
    /**
     * The instance's completed tasks in the order they were completed: by completed_at, and where two share a
     * millisecond by the sequence of their task.completed audit events, which the chain orders strictly.
     */
    async completedInOrder(instanceId: string): Promise<Array<{ id: string; elementId: string; variables: Record<string, unknown> }>> {
      const rows = (await knex('tasks as t')
        .leftJoin('audit_events as e', (j) => j.on('e.task_id', 't.id').andOn('e.instance_id', 't.instance_id').andOnVal('e.type', 'task.completed'))
        .select('t.id', 't.element_id', 't.variables')
        .where({ 't.instance_id': instanceId, 't.status': 'completed' })
        .orderBy([{ column: 't.completed_at' }, { column: 'e.seq' }])) as Array<Pick<TaskRow, 'id' | 'element_id' | 'variables'>>;
      return rows.map((r) => ({ id: r.id, elementId: r.element_id, variables: fromJson<Record<string, unknown>>(r.variables, {}) }));
    },
    /** Points an open task row at another execution of its element (the same step, in a rebuilt engine state). */
    async setExecutionId(trx: Knex.Transaction, id: string, executionId: string): Promise<boolean> {
      const n = await trx('tasks').where({ id }).whereIn('status', ['open', 'claimed']).update({ execution_id: executionId });
      return n === 1;
    },
    async forInstance(instanceId: string): Promise<TaskRecord[]> {
      const rows = (await knex('tasks').where({ instance_id: instanceId }).orderBy([{ column: 'created_at' }, { column: 'id' }])) as TaskRow[];
      return rows.map(toTaskRecord);
    },
    /**
     * The inserts of new task rows, 100 a statement, not yet run: the caller awaits them or hands them to the audit
     * append (`ahead`). Not knex's batchInsert, which sleeps a millisecond before it starts, inside the transaction.
     */
    insert(trx: Knex.Transaction, rows: TaskRow[]): Knex.QueryBuilder[] {
      const inserts: Knex.QueryBuilder[] = [];
      for (let i = 0; i < rows.length; i += 100) inserts.push(trx('tasks').insert(rows.slice(i, i + 100)));
      const candidates = rows.flatMap(candidateRows);
      for (let i = 0; i < candidates.length; i += 100) inserts.push(trx('task_candidates').insert(candidates.slice(i, i + 100)));
      return inserts;
    },
    /** The open and claimed tasks of the definition versions `definitionIds`. */
    async openOfDefinitions(trx: Knex.Transaction, definitionIds: readonly string[]): Promise<TaskRecord[]> {
      if (definitionIds.length === 0) return [];
      const rows = (await trx('tasks').whereIn('definition_id', definitionIds).whereIn('status', ['open', 'claimed']).orderBy('id')) as TaskRow[];
      return rows.map(toTaskRecord);
    },
    /**
     * Moves an open or claimed task to another version of its definition: its version, element, execution, the
     * SOP row's name, step and role, and the due date and standard of the new row; false when it is no longer open.
     */
    async migrate(
      trx: Knex.Transaction,
      id: string,
      changes: Pick<TaskRow, 'definition_id' | 'version' | 'element_id' | 'execution_id' | 'name' | 'step' | 'role' | 'candidate_user_id' | 'due_at' | 'standard_ms' | 'overdue_at'>,
    ): Promise<boolean> {
      const n = await trx('tasks').where({ id }).whereIn('status', ['open', 'claimed']).update(changes);
      return n === 1;
    },
    /** A new due date and standard for a task still open; false when it was completed or cancelled meanwhile. */
    async retime(trx: Knex.Transaction, id: string, changes: Pick<TaskRow, 'due_at' | 'standard_ms' | 'overdue_at'>): Promise<boolean> {
      const n = await trx('tasks').where({ id }).whereIn('status', ['open', 'claimed']).update(changes);
      return n === 1;
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
    /**
     * Keyset page ordered by due date (none last), then id. One query with ORs over roles and statuses would sort
     * every open task the caller may see, so a page would cost more as the table grows; instead each branch (one
     * role and status, the caller's own claims, the caller's applicant tasks) reads one index range already in
     * page order and stops at the page size, and the branches are merged here. Tasks without a due date come
     * last, so they are read only when the dated ones do not fill the page.
     */
    async list(q: TaskQuery): Promise<TaskRecord[]> {
      // A role's tasks are many: one branch per role and status follows the (role, status, due_at, id) index in page
      // order. The caller's own claims and applicant tasks are few: one branch each, over every asked-for status.
      type Reach = { statuses: TaskStatus[]; apply: (w: Knex.QueryBuilder) => void };
      const candidatesOf = (kind: 'group' | 'user', value: string) => knex('task_candidates').select('task_id').where({ kind, value });
      const candidateTasks = (groups: string[], userId: string) =>
        knex('task_candidates')
          .select('task_id')
          .where((w) => w.where({ kind: 'user', value: userId }).orWhere((g) => g.where('kind', 'group').whereIn('value', groups.length > 0 ? groups : [''])));
      const reaches: Reach[] = [];
      const perStatus = (apply: Reach['apply']) => q.statuses.forEach((status) => reaches.push({ statuses: [status], apply }));
      if (q.visibleRoles === undefined) perStatus(() => undefined);
      else {
        for (const role of q.visibleRoles) {
          if (q.role !== undefined && q.role !== role) continue;
          perStatus((w) => w.where('role', role).where((c) => c.whereNull('candidate_user_id').orWhere('candidate_user_id', q.userId)));
        }
        reaches.push({ statuses: q.statuses, apply: (w) => w.where('assignee', q.userId) });
        reaches.push({ statuses: q.statuses, apply: (w) => w.where('candidate_user_id', q.userId) });
        // Camunda candidates are few beside lane tasks: one branch reaches the caller's groups and the caller as a user.
        const groups = q.role === undefined ? q.visibleRoles : q.visibleRoles.filter((r) => r === q.role);
        reaches.push({ statuses: q.statuses, apply: (w) => w.whereIn('id', candidateTasks(groups, q.userId)) });
        const owned = q.ownedKeys ?? [];
        if (owned.length > 0 && q.role === undefined) {
          reaches.push({ statuses: q.statuses, apply: (w) => w.whereNull('role').whereNull('candidate_groups').whereNull('candidate_users').whereIn('definition_key', owned) });
        }
      }
      const branch = (reach: Reach): Knex.QueryBuilder => {
        const query = knex('tasks');
        if (reach.statuses.length === 1) query.where('status', reach.statuses[0] as TaskStatus);
        else query.whereIn('status', reach.statuses);
        reach.apply(query);
        // `role` asks for the role's tasks: those of its lanes and those it is a candidate group of.
        if (q.role) query.where((w) => w.where('role', q.role as string).orWhereIn('id', candidatesOf('group', q.role as string)));
        if (q.assigneeIsMe) query.where('assignee', q.userId);
        if (q.definitionKey) query.where('definition_key', q.definitionKey);
        if (q.instanceId) query.where('instance_id', q.instanceId);
        if (q.overdueAt) query.whereNotNull('due_at').where('due_at', '<', q.overdueAt);
        return query;
      };
      const run = async (make: (reach: Reach) => Knex.QueryBuilder): Promise<TaskRow[]> => {
        const pages = await Promise.all(reaches.map((reach) => make(reach).limit(q.limit) as Promise<TaskRow[]>));
        const byId = new Map<string, TaskRow>();
        for (const page of pages) for (const row of page) byId.set(row.id, row);
        return [...byId.values()];
      };
      const after = q.after;
      const byId = (a: TaskRow, b: TaskRow) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      let rows: TaskRow[] = [];
      if (!after || after.dueAt !== null) {
        const dueAt = after?.dueAt;
        const dated = await run((reach) => {
          const query = branch(reach).whereNotNull('due_at');
          if (dueAt !== undefined && dueAt !== null) query.where((w) => w.where('due_at', '>', dueAt).orWhere((x) => x.where('due_at', dueAt).where('id', '>', (after as { id: string }).id)));
          return query.orderBy('due_at').orderBy('id');
        });
        rows = dated.sort((a, b) => ((a.due_at as string) < (b.due_at as string) ? -1 : (a.due_at as string) > (b.due_at as string) ? 1 : byId(a, b))).slice(0, q.limit);
      }
      if (rows.length < q.limit) {
        const undated = await run((reach) => {
          const query = branch(reach).whereNull('due_at');
          if (after && after.dueAt === null) query.where('id', '>', after.id);
          return query.orderBy('id');
        });
        rows.push(...undated.sort(byId).slice(0, q.limit - rows.length));
      }
      return rows.map(toTaskRecord);
    },
  };
}

export type TasksRepository = ReturnType<typeof tasksRepository>;
