// SLA reports over the task projection: per-step, per-role or per-month working-time statistics, and the list of breaches.
import type { Knex } from 'knex';
import type { Database } from '../db/knex.js';
import type { TaskRow } from '../tasks/tasks-repository.js';

export type ReportGroupBy = 'step' | 'role' | 'month';

export interface ReportQuery {
  groupBy: ReportGroupBy;
  /** Definition keys the caller may see; undefined = every key (a caller with an all-unit role). */
  visibleKeys?: string[];
  definitionKey?: string;
  version?: number;
  /** Inclusive lower bound on `completed_at` (ISO 8601 UTC). */
  from?: string;
  /** Exclusive upper bound on `completed_at` (ISO 8601 UTC). */
  to?: string;
}

export interface ReportRow {
  definitionKey: string;
  version: number;
  /** groupBy=step: the step's element id, SOP step number, activity name and role. */
  elementId?: string;
  step?: string | null;
  name?: string | null;
  /** groupBy=step and groupBy=role. */
  role?: string | null;
  /** groupBy=month: UTC calendar month of completion, `YYYY-MM`. */
  month?: string;
  /** Completed executions in range (those with a measured working time). */
  count: number;
  medianMs: number;
  p90Ms: number;
  /** The most common `standard_ms` among the group's rows (ties: the larger); null when none has a standard. */
  standardMs: number | null;
  /** Share of executions with a standard whose working time stayed within it; null when none has a standard. */
  compliance: number | null;
  breaches: number;
  /** `task.escalated` events of the group in range (a boundary timer fired on the step's task, issue 19), by `at`. */
  escalations: number;
}

export interface BreachQuery {
  visibleKeys?: string[];
  definitionKey?: string;
  /** true: only still-open steps past due; false: only completed breaches; undefined: both. */
  open?: boolean;
  /** The app clock's now (ISO 8601 UTC): open steps with `due_at` before it are breaches. */
  now: string;
  limit: number;
  after?: { dueAt: string; id: string };
}

export interface BreachItem {
  taskId: string;
  instanceId: string;
  definitionKey: string;
  version: number;
  elementId: string;
  step: string | null;
  name: string | null;
  role: string | null;
  assignee: string | null;
  status: string;
  createdAt: string;
  dueAt: string;
  completedAt: string | null;
  standardMs: number | null;
  workingMs: number | null;
  /** Done: working ms over the standard. Open: wall ms between `dueAt` and now. */
  overdueMs: number;
  open: boolean;
}

interface StatsRow {
  definition_key: string;
  version: number | string;
  element_id?: string;
  role?: string | null;
  month?: string;
  step?: string | null;
  name?: string | null;
  n: number | string;
  with_standard: number | string;
  within_standard: number | string;
  breaches: number | string | null;
  min_standard: number | string | null;
  max_standard: number | string | null;
}

interface ModeRow {
  definition_key: string;
  version: number | string;
  element_id?: string;
  role?: string | null;
  month?: string;
  standard_ms: number | string;
}

/** A task row as the breach list reads it. */
type BreachRow = Pick<TaskRow, 'id' | 'instance_id' | 'definition_key' | 'element_id' | 'step' | 'name' | 'role' | 'assignee' | 'created_at' | 'completed_at' | 'standard_ms'> & {
  version: number | string;
  status: string;
  due_at: string;
  working_ms: number | string | null;
};

const GROUP_KEYS: Record<ReportGroupBy, string[]> = {
  step: ['definition_key', 'version', 'element_id'],
  role: ['definition_key', 'version', 'role'],
  month: ['definition_key', 'version', 'month'],
};

const num = (v: number | string | null | undefined): number => Number(v ?? 0);
const nullableNum = (v: number | string | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * The nearest-rank percentile's rank: with a group's n values sorted ascending and ranked 1..n, the p-th
 * percentile is the value at rank ceil(p/100 · n). It is always one of the observed values, exact, never
 * interpolated (the median of an even count is the lower middle value).
 */
function rankOf(p: number, n: number): number {
  return Math.floor((n * p + 99) / 100);
}

/** Restricts to the caller's definition keys; none at all matches nothing (an empty IN list is not portable SQL). */
function onlyKeys(query: Knex.QueryBuilder, keys: string[]): void {
  if (keys.length > 0) query.whereIn('definition_key', keys);
  else query.whereRaw('1 = 0');
}

export function reportService(db: Pick<Database, 'knex' | 'kind'>) {
  const { knex } = db;

  /** The completed, measured executions a report reads, with the UTC month of completion as its own column. */
  function completed(q: ReportQuery): Knex.QueryBuilder {
    const base = knex('tasks')
      .select('definition_key', 'version', 'element_id', 'role', 'step', 'name', 'working_ms', 'standard_ms', 'breached', knex.raw('substr(??, 1, 7) as ??', ['completed_at', 'month']))
      .where('status', 'completed')
      .whereNotNull('completed_at')
      .whereNotNull('working_ms');
    if (q.visibleKeys) onlyKeys(base, q.visibleKeys);
    if (q.definitionKey !== undefined) base.where('definition_key', q.definitionKey);
    if (q.version !== undefined) base.where('version', q.version);
    if (q.from !== undefined) base.where('completed_at', '>=', q.from);
    if (q.to !== undefined) base.where('completed_at', '<', q.to);
    return base;
  }

  /** `task.escalated` counts per group key (joined with U+0000), in the report's range by the event's time. */
  async function escalationCounts(q: ReportQuery, keys: string[]): Promise<Map<string, number>> {
    const query = knex('audit_events').where('type', 'task.escalated');
    if (q.visibleKeys) onlyKeys(query, q.visibleKeys);
    if (q.definitionKey !== undefined) query.where('definition_key', q.definitionKey);
    if (q.version !== undefined) query.where('version', q.version);
    if (q.from !== undefined) query.where('at', '>=', q.from);
    if (q.to !== undefined) query.where('at', '<', q.to);
    const columns = keys.map((k) => (k === 'month' ? knex.raw('substr(??, 1, 7) as ??', ['at', 'month']) : k));
    const rows = (await knex.from(query.select(columns).as('e')).select(keys).count({ n: '*' }).groupBy(keys)) as Array<Record<string, unknown>>;
    return new Map(rows.map((r) => [keys.map((k) => String(r[k] ?? '')).join('\u0000'), num(r.n as number | string)]));
  }

  return {
    /**
     * One row per group, ordered by definition key, version, then step number (and element id), role or month; nulls last.
     * The counts come from one GROUP BY that, grouped by step, reads the report index (007) in order without sorting;
     * each percentile is then one seek to its rank inside its group's index range (ORDER BY working_ms LIMIT 1
     * OFFSET rank - 1), and the standard one small GROUP BY over the group. So the report reads the index about
     * three times over and never sorts a million rows, where ROW_NUMBER() over every row did.
     */
    async report(q: ReportQuery): Promise<ReportRow[]> {
      const keys = GROUP_KEYS[q.groupBy];
      const stats = knex
        .from(completed(q).as('b'))
        .select(keys)
        .select(
          knex.raw('count(*) as ??', ['n']),
          knex.raw('sum(case when ?? is not null then 1 else 0 end) as ??', ['standard_ms', 'with_standard']),
          knex.raw('sum(case when ?? is not null and ?? <= ?? then 1 else 0 end) as ??', ['standard_ms', 'working_ms', 'standard_ms', 'within_standard']),
          knex.raw('sum(case when ?? then 1 else 0 end) as ??', ['breached', 'breaches']),
          knex.raw('min(??) as ??', ['standard_ms', 'min_standard']),
          knex.raw('max(??) as ??', ['standard_ms', 'max_standard']),
        )
        .groupBy(keys);
      const statRows = (await stats) as StatsRow[];
      const escalated = await escalationCounts(q, keys);

      /** The completed, measured executions of one group. */
      const inGroup = (r: StatsRow): Knex.QueryBuilder => {
        const query = knex.from(completed(q).as('b'));
        for (const k of keys) {
          const value = (r as unknown as Record<string, unknown>)[k];
          if (value === null || value === undefined) query.whereNull(k);
          else query.where(k, k === 'version' ? Number(value) : (value as string));
        }
        return query;
      };
      const valueAt = async (r: StatsRow, rank: number): Promise<number> => {
        const row = (await inGroup(r).select('working_ms').orderBy('working_ms').limit(1).offset(rank - 1).first()) as { working_ms: number | string };
        return Number(row.working_ms);
      };
      const details = await Promise.all(
        statRows.map(async (r) => {
          const n = num(r.n);
          const [medianMs, p90Ms, mode, names] = await Promise.all([
            valueAt(r, rankOf(50, n)),
            valueAt(r, rankOf(90, n)),
            // The step's standard: the most common standard_ms of the group's rows (ties go to the larger value). A step's
            // rows of one version share their diagram's standard, so usually min = max settles it without counting.
            r.max_standard === null || r.max_standard === undefined
              ? undefined
              : Number(r.min_standard) === Number(r.max_standard)
                ? ({ standard_ms: r.max_standard } as ModeRow)
                : (inGroup(r).select('standard_ms').count({ c: '*' }).whereNotNull('standard_ms').groupBy('standard_ms').orderBy([{ column: 'c', order: 'desc' }, { column: 'standard_ms', order: 'desc' }]).first() as Promise<ModeRow | undefined>),
            // A step's number, name and role are the same on each of its rows (they come from its version's diagram).
            q.groupBy === 'step' ? (inGroup(r).select('step', 'name', 'role').first() as Promise<Pick<StatsRow, 'step' | 'name' | 'role'>>) : undefined,
          ]);
          return { medianMs, p90Ms, standardMs: mode ? Number(mode.standard_ms) : null, names };
        }),
      );

      const rows = statRows.map((r, i): ReportRow => {
        const withStandard = num(r.with_standard);
        const d = details[i] as (typeof details)[number];
        const group: Partial<ReportRow> =
          q.groupBy === 'step'
            ? { elementId: r.element_id as string, step: d.names?.step ?? null, name: d.names?.name ?? null, role: d.names?.role ?? null }
            : q.groupBy === 'role'
              ? { role: r.role ?? null }
              : { month: r.month as string };
        return {
          definitionKey: r.definition_key,
          version: Number(r.version),
          ...group,
          count: num(r.n),
          medianMs: d.medianMs,
          p90Ms: d.p90Ms,
          standardMs: d.standardMs,
          compliance: withStandard === 0 ? null : num(r.within_standard) / withStandard,
          breaches: num(r.breaches),
          escalations: escalated.get(keys.map((k) => String((r as unknown as Record<string, unknown>)[k] ?? '')).join('\u0000')) ?? 0,
        };
      });
      // The same order on every database (they disagree on where NULL sorts): nulls last, and SOP step numbers
      // are text ("2", "10", "3a") compared as numbers where they are.
      const collator = new Intl.Collator('en', { numeric: true });
      const text = (a: string | null | undefined, b: string | null | undefined) => collator.compare(a ?? '\uffff', b ?? '\uffff');
      rows.sort(
        (a, b) =>
          text(a.definitionKey, b.definitionKey) ||
          a.version - b.version ||
          text(a.step, b.step) ||
          text(a.elementId, b.elementId) ||
          text(a.role, b.role) ||
          text(a.month, b.month),
      );
      return rows;
    },

    /** Steps over their standard, by due date newest first, then task id (descending): one keyset page. */
    async breaches(q: BreachQuery): Promise<BreachItem[]> {
      const query = knex('tasks')
        .select('id', 'instance_id', 'definition_key', 'version', 'element_id', 'step', 'name', 'role', 'assignee', 'status', 'created_at', 'completed_at', 'due_at', 'standard_ms', 'working_ms')
        .whereNotNull('due_at')
        .where((w) => {
          if (q.open !== false) w.orWhere((o) => o.whereIn('status', ['open', 'claimed']).where('due_at', '<', q.now));
          if (q.open !== true) w.orWhere((d) => d.where('status', 'completed').where('breached', true));
        });
      if (q.visibleKeys) onlyKeys(query, q.visibleKeys);
      if (q.definitionKey !== undefined) query.where('definition_key', q.definitionKey);
      const after = q.after;
      if (after) query.where((w) => w.where('due_at', '<', after.dueAt).orWhere((x) => x.where('due_at', after.dueAt).where('id', '<', after.id)));
      const rows = (await query.orderBy([{ column: 'due_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(q.limit)) as BreachRow[];
      const now = Date.parse(q.now);
      return rows.map((r) => {
        const open = r.status !== 'completed';
        const standardMs = nullableNum(r.standard_ms);
        const workingMs = nullableNum(r.working_ms);
        return {
          taskId: r.id,
          instanceId: r.instance_id,
          definitionKey: r.definition_key,
          version: Number(r.version),
          elementId: r.element_id,
          step: r.step,
          name: r.name,
          role: r.role,
          assignee: r.assignee,
          status: r.status,
          createdAt: r.created_at,
          dueAt: r.due_at,
          completedAt: r.completed_at,
          standardMs,
          workingMs: open ? null : workingMs,
          overdueMs: open ? Math.max(0, now - Date.parse(r.due_at)) : Math.max(0, num(workingMs) - num(standardMs)),
          open,
        };
      });
    },
  };
}

export type ReportService = ReturnType<typeof reportService>;
