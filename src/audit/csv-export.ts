// The audit export's row source (keyset pages of step executions) and its CSV rendering, streamed chunk by chunk.
import type { Knex } from 'knex';
import { fromJson } from '../db/json.js';
import { effectiveClockStart } from '../sop/step-clock.js';
import type { DocumentRecord } from './audit-chain.js';
import type { TaskRow } from '../tasks/tasks-repository.js';

/** Which step executions an export covers. */
export interface ExportFilter {
  definitionKey?: string;
  version?: number;
  /** ISO 8601 UTC, inclusive: a step counts from its completion (or cancellation) time, else its creation time. */
  from?: string;
  /** ISO 8601 UTC, exclusive; the same time as `from`. */
  to?: string;
  /** Unit scope: only these definition keys (an `auditor:<unit>`); undefined = every definition. */
  definitionKeys?: string[];
}

export interface ExportOptions {
  /** Rows read per keyset query (default 1000); the export never holds more than one page of rows. */
  pageSize?: number;
}

export const DEFAULT_EXPORT_PAGE_SIZE = 1000;

/** One step execution (a `tasks` row) as the exports see it: no output values, no variables. */
export interface ExportRow {
  taskId: string;
  instanceId: string;
  businessKey: string | null;
  instanceStatus: string | null;
  definitionKey: string;
  version: number;
  elementId: string;
  step: string | null;
  activity: string | null;
  role: string | null;
  assignee: string | null;
  completedBy: string | null;
  status: string;
  createdAt: string;
  clockStart: string;
  completedAt: string | null;
  dueAt: string | null;
  standardMs: number | null;
  workingMs: number | null;
  wallMs: number | null;
  breached: boolean | null;
  documents: string[];
}

/** A task row as the export reads it, with its instance's business key and status. */
type ExportDbRow = Pick<
  TaskRow,
  'id' | 'instance_id' | 'definition_key' | 'element_id' | 'step' | 'name' | 'role' | 'assignee' | 'completed_by' | 'created_at' | 'completed_at' | 'starts_at' | 'due_at' | 'standard_ms' | 'documents'
> & {
  business_key: string | null;
  instance_status: string | null;
  version: number | string;
  status: string;
  working_ms: number | string | null;
  wall_ms: number | string | null;
  breached: number | boolean | null;
};

const COLUMNS = [
  'tasks.id',
  'tasks.instance_id',
  'instances.business_key',
  'instances.status as instance_status',
  'tasks.definition_key',
  'tasks.version',
  'tasks.element_id',
  'tasks.step',
  'tasks.name',
  'tasks.role',
  'tasks.assignee',
  'tasks.completed_by',
  'tasks.status',
  'tasks.created_at',
  'tasks.completed_at',
  'tasks.starts_at',
  'tasks.due_at',
  'tasks.standard_ms',
  'tasks.working_ms',
  'tasks.wall_ms',
  'tasks.breached',
  'tasks.documents',
];

// PostgreSQL returns bigint columns as strings.
const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toExportRow(r: ExportDbRow): ExportRow {
  return {
    taskId: r.id,
    instanceId: r.instance_id,
    businessKey: r.business_key,
    instanceStatus: r.instance_status,
    definitionKey: r.definition_key,
    version: Number(r.version),
    elementId: r.element_id,
    step: r.step,
    activity: r.name,
    role: r.role,
    assignee: r.assignee,
    completedBy: r.completed_by,
    status: r.status,
    createdAt: r.created_at,
    clockStart: effectiveClockStart(r.created_at, r.starts_at, r.completed_at),
    completedAt: r.completed_at,
    dueAt: r.due_at,
    standardMs: num(r.standard_ms),
    workingMs: num(r.working_ms),
    wallMs: num(r.wall_ms),
    breached: r.breached === null ? null : Boolean(r.breached),
    documents: fromJson<DocumentRecord[] | null>(r.documents, null)?.map((d) => d.name) ?? [],
  };
}

/** Step executions in (instance, creation time, id) order, read one keyset page at a time. */
export async function* readExportRows(knex: Knex, filter: ExportFilter, options: ExportOptions = {}): AsyncGenerator<ExportRow[]> {
  const pageSize = Math.max(1, Math.floor(options.pageSize ?? DEFAULT_EXPORT_PAGE_SIZE));
  let after: { instanceId: string; createdAt: string; id: string } | undefined;
  for (;;) {
    const q = knex('tasks').leftJoin('instances', 'instances.id', 'tasks.instance_id').select(COLUMNS);
    if (filter.definitionKeys) q.whereIn('tasks.definition_key', filter.definitionKeys);
    if (filter.definitionKey !== undefined) q.where('tasks.definition_key', filter.definitionKey);
    if (filter.version !== undefined) q.where('tasks.version', filter.version);
    const { from, to } = filter;
    if (from !== undefined) q.where((w) => w.where('tasks.completed_at', '>=', from).orWhere((x) => x.whereNull('tasks.completed_at').where('tasks.created_at', '>=', from)));
    if (to !== undefined) q.where((w) => w.where('tasks.completed_at', '<', to).orWhere((x) => x.whereNull('tasks.completed_at').where('tasks.created_at', '<', to)));
    const a = after;
    if (a) {
      q.where((w) =>
        w
          .where('tasks.instance_id', '>', a.instanceId)
          .orWhere((x) =>
            x.where('tasks.instance_id', a.instanceId).andWhere((y) => y.where('tasks.created_at', '>', a.createdAt).orWhere((z) => z.where('tasks.created_at', a.createdAt).andWhere('tasks.id', '>', a.id))),
          ),
      );
    }
    const rows = (await q.orderBy('tasks.instance_id').orderBy('tasks.created_at').orderBy('tasks.id').limit(pageSize)) as ExportDbRow[];
    if (rows.length === 0) return;
    yield rows.map(toExportRow);
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1] as ExportDbRow;
    after = { instanceId: last.instance_id, createdAt: last.created_at, id: last.id };
  }
}

/** The CSV columns, in order. */
export const CSV_COLUMNS = [
  'taskId',
  'instanceId',
  'businessKey',
  'definitionKey',
  'version',
  'elementId',
  'step',
  'activity',
  'role',
  'assignee',
  'completedBy',
  'status',
  'createdAt',
  'clockStart',
  'completedAt',
  'dueAt',
  'standardMs',
  'workingMs',
  'wallMs',
  'breached',
  'documents',
] as const;

/** How the CSV is written for the spreadsheet that opens it. */
export interface CsvFormat {
  /** Field separator: `,` (RFC 4180, default) or `;` (Excel in locales whose decimal mark is a comma, e.g. Indonesian). */
  delimiter?: ',' | ';';
  /** Start with a UTF-8 byte order mark, which Excel needs to read the file as UTF-8 (default false). */
  bom?: boolean;
}

// A text a spreadsheet could run as a formula: starting with = + - @, or with a control character (NUL, tab, CR …,
// DEL), which a spreadsheet may drop before reading what follows, or with spaces before a formula character.
// eslint-disable-next-line no-control-regex
const FORMULA_START = /^(?:[=+\-@\u0000-\u001f\u007f]|\s+[=+\-@])/;

/**
 * One CSV field (RFC 4180): quoted when it holds the delimiter, a quote or a line break, quotes doubled. A text that
 * a spreadsheet would run as a formula (FORMULA_START) gets a leading apostrophe, which makes it text.
 */
export function csvField(value: string | number | boolean | null, delimiter: ',' | ';' = ','): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return text.includes(delimiter) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(values: Array<string | number | boolean | null>, delimiter: ',' | ';'): string {
  return `${values.map((v) => csvField(v, delimiter)).join(delimiter)}\r\n`;
}

function csvRow(r: ExportRow, delimiter: ',' | ';'): string {
  return csvLine(
    [
    r.taskId,
    r.instanceId,
    r.businessKey,
    r.definitionKey,
    r.version,
    r.elementId,
    r.step,
    r.activity,
    r.role,
    r.assignee,
    r.completedBy,
    r.status,
    r.createdAt,
    r.clockStart,
    r.completedAt,
    r.dueAt,
    r.standardMs,
    r.workingMs,
    r.wallMs,
    r.breached,
    r.documents.length ? r.documents.join('; ') : null,
    ],
    delimiter,
  );
}

/** The CSV export as text chunks: the BOM if asked, the header row, then one chunk per page of rows (CRLF line ends). */
export async function* csvExport(knex: Knex, filter: ExportFilter, options: ExportOptions & CsvFormat = {}): AsyncGenerator<string> {
  const delimiter = options.delimiter ?? ',';
  yield `${options.bom ? '\ufeff' : ''}${csvLine([...CSV_COLUMNS], delimiter)}`;
  for await (const page of readExportRows(knex, filter, options)) yield page.map((r) => csvRow(r, delimiter)).join('');
}
