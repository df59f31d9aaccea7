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
  median_ms: number | string;
  p90_ms: number | string;
  with_standard: number | string;
  within_standard: number | string;
  breaches: number | string | null;
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
 * The nearest-rank percentile: with the group's n values sorted ascending and ranked 1..n by ROW_NUMBER(),
 * the p-th percentile is the value at rank ceil(p/100 · n). It is always one of the observed values, exact,
 * never interpolated (the median of an even count is the lower middle value). ceil(p·n/100) is written as the
 * integer division (n·p + 99) / 100, which SQLite and PostgreSQL both truncate the same way for positive
 * integers, so no dialect-only CEIL is needed.
 */
function percentileAt(knex: Knex, p: number, alias: string): Knex.Raw {
  return knex.raw(`max(case when ?? = (?? * ${p} + 99) / 100 then ?? end) as ??`, ['rn', 'n', 'working_ms', alias]);
}

/** Restricts to the caller's definition keys; none at all matches nothing (an empty IN list is not portable SQL). */
function onlyKeys(query: Knex.QueryBuilder, keys: string[]): void {
  if (keys.length > 0) query.whereIn('definition_key', keys);
  else query.whereRaw('1 = 0');
}

function partitionBy(keys: string[]): string {
  return keys.map(() => '??').join(', ');
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

  return {
    /** One row per group, ordered by definition key, version, then step number (and element id), role or month; nulls last. */
    async report(q: ReportQuery): Promise<ReportRow[]> {
      const keys = GROUP_KEYS[q.groupBy];
      const ranked = knex
        .from(completed(q).as('b'))
        .select(
          ...keys,
          ...(q.groupBy === 'step' ? ['step', 'name', 'role'] : []),
          'working_ms',
          'standard_ms',
          'breached',
          knex.raw(`row_number() over (partition by ${partitionBy(keys)} order by ??) as ??`, [...keys, 'working_ms', 'rn']),
          knex.raw(`count(*) over (partition by ${partitionBy(keys)}) as ??`, [...keys, 'n']),
        );
      const stats = knex
        .from(ranked.as('r'))
        .select(keys)
        .select(
          knex.raw('max(??) as ??', ['n', 'n']),
          percentileAt(knex, 50, 'median_ms'),
          percentileAt(knex, 90, 'p90_ms'),
          knex.raw('sum(case when ?? is not null then 1 else 0 end) as ??', ['standard_ms', 'with_standard']),
          knex.raw('sum(case when ?? is not null and ?? <= ?? then 1 else 0 end) as ??', ['standard_ms', 'working_ms', 'standard_ms', 'within_standard']),
          knex.raw('sum(case when ?? then 1 else 0 end) as ??', ['breached', 'breaches']),
        )
        .groupBy(keys);
      if (q.groupBy === 'step') stats.select(knex.raw('max(??) as ??', ['step', 'step']), knex.raw('max(??) as ??', ['name', 'name']), knex.raw('max(??) as ??', ['role', 'role']));

      // The step's standard: the most common standard_ms of the group's rows (ties go to the larger value).
      const perStandard = knex
        .from(completed(q).as('b'))
        .select(...keys, 'standard_ms')
        .count({ c: '*' })
        .whereNotNull('standard_ms')
        .groupBy([...keys, 'standard_ms']);
      const modes = knex
        .from(
          knex
            .from(perStandard.as('m'))
            .select(...keys, 'standard_ms', knex.raw(`row_number() over (partition by ${partitionBy(keys)} order by ?? desc, ?? desc) as ??`, [...keys, 'c', 'standard_ms', 'mrn']))
            .as('mm'),
        )
        .select(...keys, 'standard_ms')
        .where('mrn', 1);

      const [statRows, modeRows] = (await Promise.all([stats, modes])) as [StatsRow[], ModeRow[]];
      const keyOf = (r: StatsRow | ModeRow) => JSON.stringify(keys.map((k) => (k === 'version' ? Number(r.version) : ((r as unknown as Record<string, unknown>)[k] ?? null))));
      const standardOf = new Map(modeRows.map((m) => [keyOf(m), Number(m.standard_ms)]));

      const rows = statRows.map((r): ReportRow => {
        const withStandard = num(r.with_standard);
        const group: Partial<ReportRow> =
          q.groupBy === 'step'
            ? { elementId: r.element_id as string, step: r.step ?? null, name: r.name ?? null, role: r.role ?? null }
            : q.groupBy === 'role'
              ? { role: r.role ?? null }
              : { month: r.month as string };
        return {
          definitionKey: r.definition_key,
          version: Number(r.version),
          ...group,
          count: num(r.n),
          medianMs: num(r.median_ms),
          p90Ms: num(r.p90_ms),
          standardMs: standardOf.get(keyOf(r)) ?? null,
          compliance: withStandard === 0 ? null : num(r.within_standard) / withStandard,
          breaches: num(r.breaches),
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
