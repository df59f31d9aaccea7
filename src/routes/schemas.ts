// zod schemas for every request and response: the single source of route types and of the OpenAPI document.
import { z } from 'zod';
import { TEXT_LIMITS } from '../db/text-limits.js';
import { inStoredWindow, parseIsoDateTime } from '../sop/date-window.js';

export const errorSchema = z
  .object({
    statusCode: z.number().int(),
    code: z.string(),
    error: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'Error' });

export const idParams = z.object({ id: z.string().min(1).max(100) });
export const keyParams = z.object({ key: z.string().min(1).max(TEXT_LIMITS.definitionKey) });

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an identifier').max(100);
const scalar = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
/** A start variable: a scalar, or a list of scalars a multi-instance activity iterates over (its collection). */
const startValue = z.union([scalar, z.array(scalar).max(100)]);

export const roleSchema = z.string().min(1).max(200).regex(/^[a-z0-9][a-z0-9:/_.-]*$/, 'lower-case role id such as bkd-kalteng/kabid, owner:ipdn, admin');

/** An ISO 8601 date-time with a zone. */
export const instantSchema = z
  .string()
  .max(40)
  .refine((v) => inStoredWindow(parseIsoDateTime(v) ?? NaN), 'ISO 8601 date-time with a zone, of a day that exists, in 1900–2199');

/** A unit: the role-id prefix its lane roles share (`ipdn` in `ipdn/konselor`, `owner:ipdn`). */
export const unitSchema = z.string().min(1).max(200).regex(/^[a-z0-9][a-z0-9_.-]*$/, 'lower-case unit id such as ipdn or bkd-kalteng');

export const createUserBody = z.object({ name: z.string().trim().min(1).max(200), roles: z.array(roleSchema).max(100) });
export const userSchema = z.object({ id: z.string(), name: z.string(), roles: z.array(z.string()) }).meta({ id: 'User' });
export const createdUserSchema = userSchema.extend({ token: z.string() }).meta({ id: 'CreatedUser' });

export const calendarWarningSchema = z
  .object({ calendar: z.string(), year: z.number().int(), status: z.enum(['provisional', 'none']), message: z.string() })
  .meta({ id: 'CalendarWarning' });
export const healthSchema = z.object({
  status: z.literal('ok'),
  database: z.enum(['sqlite', 'postgres']),
  definitions: z.number().int(),
  /** Calendars lacking confirmed holidays for the current year, or for the next within 90 days of its start. */
  calendarWarnings: z.array(calendarWarningSchema),
});

const definitionRole = z.object({ id: z.string(), name: z.string(), initiator: z.boolean() });
export const definitionSummary = z
  .object({
    key: z.string(),
    version: z.number().int(),
    name: z.string(),
    organisation: z.string().nullable(),
    /** The calendar its time standards count on (`sop:document calendar`). */
    calendar: z.string(),
    timeZone: z.string(),
    stepCount: z.number().int(),
    roles: z.array(definitionRole),
    unit: z.string().nullable().describe('the unit the SOP belongs to (its owners deploy it): declared, its lanes\' role prefix, or its deployer\'s; null when none'),
  })
  .meta({ id: 'Definition' });
const versionRef = z.object({ version: z.number().int(), effective: z.string().nullable(), effectiveFrom: z.string().nullable(), suspended: z.boolean() });
export const definitionDetail = definitionSummary
  .extend({
    versions: z.array(
      z.object({
        version: z.number().int(),
        deployedAt: z.string(),
        hash: z.string(),
        source: z.string().nullable().meta({ description: '`processes/<file>` (deployed at start from that file), `api`, or null (stored before sources were recorded)' }),
        deployedBy: z.object({ id: z.string(), name: z.string() }).nullable().meta({ description: 'the user who deployed it through the API' }),
        effective: z.string().nullable().meta({ description: "the sheet's Tanggal Efektif (YYYY-MM-DD); null: in effect once deployed" }),
        effectiveFrom: z.string().nullable().meta({ description: "00:00 of the effective date in the SOP's zone, as an instant" }),
        status: z.enum(['current', 'scheduled', 'superseded']).meta({ description: 'current: new cases start on it; scheduled: its effective date has not come; superseded: a newer version is in effect' }),
        suspendedAt: z.string().nullable().meta({ description: 'when an owner suspended it: no new case starts on it, its cases run on' }),
        suspendedBy: z.string().nullable(),
      }),
    ),
    current: versionRef.nullable().meta({ description: 'the version new cases start on now (null: none is in effect yet)' }),
    scheduled: z.array(versionRef).meta({ description: 'newer versions whose effective date has not come, oldest first' }),
  })
  .meta({ id: 'DefinitionDetail' });

export const versionParams = keyParams.extend({ v: z.coerce.number().int().min(1).max(1_000_000) });
export const suspensionBody = z.object({ reason: z.string().trim().min(1).max(2000).optional() }).strict();
export const suspensionSchema = z
  .object({ key: z.string(), version: z.number().int(), suspended: z.boolean(), suspendedAt: z.string().nullable(), suspendedBy: z.string().nullable() })
  .meta({ id: 'VersionSuspension' });
const timeStandardSchema = z.object({ text: z.string(), iso: z.string().nullable() });

const sheetDateSchema = z.object({ value: z.string().meta({ description: 'as the diagram carries it (YYYY-MM-DD)' }), text: z.string().meta({ description: 'as the sheet prints it: 25 Agustus 2025' }) });

/** One row of the SOP sheet (SOP-AP table), as the sheet and its revision diff show it. */
const sheetStepSchema = z.object({
  no: z.string(),
  elementId: z.string(),
  activity: z.string(),
  actor: z.object({ role: z.string().nullable(), name: z.string().nullable() }),
  requires: z.array(z.string()),
  timeStandard: timeStandardSchema.nullable(),
  output: z.array(z.string()),
  note: z.string().nullable(),
  confidential: z.boolean(),
  decision: z.boolean(),
});

export const sopSheetSchema = z
  .object({
    key: z.string(),
    version: z.number().int(),
    title: z.string(),
    organisation: z.string().nullable(),
    number: z.string().nullable(),
    timeZone: z.string(),
    identity: z.object({
      organisation: z.string().nullable(),
      unit: z.string().nullable(),
      number: z.string().nullable(),
      created: z.string().nullable(),
      revised: z.string().nullable(),
      effective: z.string().nullable(),
      approvedBy: z.string().nullable(),
      approverTitle: z.string().nullable(),
      approverId: z.string().nullable(),
      legalBasis: z.array(z.string()),
      qualifications: z.array(z.string()),
      equipment: z.array(z.string()),
      warnings: z.array(z.string()),
      records: z.array(z.string()),
      related: z.array(z.string()),
    }),
    dates: z
      .object({ created: sheetDateSchema.nullable(), revised: sheetDateSchema.nullable(), effective: sheetDateSchema.nullable() })
      .meta({ description: 'Tanggal Pembuatan, Revisi and Efektif as the sheet prints them' }),
    roles: z.array(z.object({ id: z.string(), name: z.string() })),
    steps: z.array(sheetStepSchema),
  })
  .meta({ id: 'SopSheet' });

export const sheetDiffQuery = z.object({ fromVersion: z.coerce.number().int().min(1), toVersion: z.coerce.number().int().min(1) });
const diffColumnKey = z.enum(['no', 'activity', 'actor', 'requires', 'waktu', 'output', 'confidential', 'note']);
export const sheetDiffSchema = z
  .object({
    key: z.string(),
    fromVersion: z.number().int(),
    toVersion: z.number().int(),
    columns: z.array(z.object({ key: diffColumnKey, label: z.string() })),
    identity: z.array(z.object({ field: z.string(), label: z.string(), before: z.string(), after: z.string() })),
    summary: z.object({ same: z.number().int(), changed: z.number().int(), added: z.number().int(), removed: z.number().int() }),
    rows: z.array(z.object({ elementId: z.string(), kind: z.enum(['same', 'changed', 'added', 'removed']), changed: z.array(diffColumnKey), before: sheetStepSchema.nullable(), after: sheetStepSchema.nullable() })),
  })
  .meta({ id: 'SopSheetDiff' });

export const definitionQuery = z.object({ version: z.coerce.number().int().min(1).optional() });
export const deployResult = z
  .object({
    definitions: z.array(z.object({ key: z.string(), version: z.number().int() })),
    warnings: z.array(z.object({ elementId: z.string(), message: z.string() })),
  })
  .meta({ id: 'DeployResult' });

export const startBody = z
  .object({
    businessKey: z.string().min(1).max(TEXT_LIMITS.businessKey).optional(),
    variables: z
      .record(identifier, startValue)
      .refine((v) => Object.keys(v).length <= 100, 'at most 100 variables')
      .optional(),
    version: z.number().int().min(1).max(1_000_000).optional().meta({ description: 'start on this version instead of the current one (409 when it is scheduled or suspended)' }),
  })
  .strict();

export const instanceSchema = z
  .object({
    id: z.string(),
    definitionKey: z.string(),
    version: z.number().int(),
    businessKey: z.string().nullable(),
    status: z.enum(['running', 'completed', 'cancelled']),
    startedBy: z.string(),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    /** Set on a child case: the case whose call activity started it, that activity's element and its execution. */
    parentInstanceId: z.string().nullable(),
    parentElementId: z.string().nullable(),
    parentExecutionId: z.string().nullable(),
    /** The cases this case's call activities started, oldest first. */
    childInstanceIds: z.array(z.string()),
  })
  .meta({ id: 'Instance' });

export const formFieldSchema = z.object({
  name: z.string(),
  label: z.string(),
  type: z.enum(['string', 'boolean', 'enum', 'datetime', 'number', 'date']).describe('date: YYYY-MM-DD; datetime: ISO 8601 with its zone'),
  required: z.boolean(),
  options: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
  slots: z.array(z.object({ start: z.string(), end: z.string() })).optional(),
  minLength: z.number().optional(),
  maxLength: z.number().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  pattern: z.string().optional(),
  integer: z.boolean().optional().describe('a number must be whole (Camunda long)'),
  readonly: z.boolean().optional().describe('shown, not entered: a value sent for it is refused'),
  defaultValue: z.union([z.string(), z.number(), z.boolean()]).optional().describe('recorded when the completion leaves the field out'),
});

export const taskSchema = z
  .object({
    id: z.string(),
    instanceId: z.string(),
    definitionKey: z.string(),
    version: z.number().int(),
    elementId: z.string(),
    name: z.string().nullable(),
    step: z.string().nullable(),
    role: z.string().nullable(),
    candidateGroups: z.array(z.string()).describe('role ids whose holders may act on the task beside its lane role (camunda:candidateGroups, zeebe:assignmentDefinition)'),
    candidateUsers: z.array(z.string()).describe('user ids who may act on the task beside its lane role (candidateUsers, assignee)'),
    assignee: z.string().nullable(),
    status: z.enum(['open', 'claimed', 'completed', 'cancelled']),
    createdAt: z.string(),
    claimedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    startsAt: z.string().nullable(),
    clockStartsAt: z.string().describe('when the working-time clock starts counting: startsAt or createdAt, moved to the next opening of office hours'),
    dueAt: z.string().nullable(),
    timeStandard: timeStandardSchema.nullable(),
    requires: z.array(z.string()),
    output: z.array(z.string()),
    confidential: z.boolean(),
    form: z.array(formFieldSchema),
    formSchema: z.record(z.string(), z.unknown()).optional().describe('the form as form-js JSON: the Camunda form the task links, or its form fields converted'),
    documents: z.array(z.object({ name: z.string(), ref: z.string().optional(), attachmentId: z.string().optional(), sha256: z.string().optional() })).nullable(),
    recordedOutput: z.array(z.object({ name: z.string(), ref: z.string().optional(), value: z.string().optional() })).nullable(),
    variables: z.record(z.string(), z.unknown()).nullable(),
    /** True when content recorded at this confidential step is sealed: only its author reads it, at GET /tasks/:id/content. */
    contentSealed: z.boolean(),
    /** The iteration's index (0-based) when the task is one iteration of a multi-instance or looped activity. */
    loopCounter: z.number().int().nullable(),
    /** The multi-instance item this task works on: the element variable's name and this iteration's value. */
    elementVariable: z.object({ name: z.string(), value: z.unknown() }).nullable(),
  })
  .meta({ id: 'Task' });

export const confidentialContentSchema = z
  .object({
    taskId: z.string(),
    recordedBy: z.string(),
    recordedAt: z.string(),
    variables: z.record(z.string(), z.string()),
    output: z.array(z.object({ name: z.string(), value: z.string() })),
  })
  .meta({ id: 'ConfidentialContent' });

export const stepSchema = z.object({
  taskId: z.string(),
  elementId: z.string(),
  step: z.string().nullable(),
  name: z.string().nullable(),
  role: z.string().nullable(),
  status: z.string(),
  assignee: z.string().nullable(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  dueAt: z.string().nullable(),
});

/** A message, signal or condition a running case waits for (its event subscription). */
export const waitSchema = z.object({ kind: z.enum(['message', 'signal', 'conditional']), name: z.string(), elementId: z.string(), createdAt: z.string() }).meta({ id: 'EventWait' });

export const instanceDetail = instanceSchema
  .extend({ steps: z.array(stepSchema), openTasks: z.array(taskSchema), cancelReason: z.string().nullable(), waitingFor: z.array(waitSchema) })
  .meta({ id: 'InstanceDetail' });

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

export const instanceListQuery = listQuery.extend({
  definitionKey: z.string().max(200).optional(),
  status: z.enum(['running', 'completed', 'cancelled']).optional(),
  businessKey: z.string().min(1).max(200).optional().meta({ description: 'exact business key, as given when the case was started' }),
});

const statusList = z
  .string()
  .regex(/^(open|claimed|completed|cancelled)(,(open|claimed|completed|cancelled))*$/, 'comma-separated from open, claimed, completed, cancelled');

export const taskListQuery = listQuery.extend({
  role: z.string().max(200).optional(),
  assignee: z.literal('me').optional(),
  definitionKey: z.string().max(200).optional(),
  instanceId: z.string().max(100).optional(),
  status: statusList.optional(),
  overdue: z.enum(['true', 'false']).optional(),
});

export const completeBody = z
  .object({
    documents: z
      .array(z.object({ name: z.string().trim().min(1).max(500), ref: z.string().max(2000).optional(), attachmentId: z.string().min(1).max(100).optional() }).strict())
      .max(100)
      .default([]),
    output: z
      .array(z.object({ name: z.string().trim().min(1).max(500), ref: z.string().max(2000).optional(), value: z.string().max(100_000).optional() }).strict())
      .max(100)
      .default([]),
    variables: z.record(z.string().max(100), z.unknown()).default({}),
  })
  .strict();

export const cancelBody = z.object({ reason: z.string().trim().min(1).max(2000) }).strict();

export const auditEventSchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    type: z.string(),
    /** The SOP version the event happened on (after a migration, the new one). */
    version: z.number().int().nullable(),
    instanceId: z.string().nullable(),
    taskId: z.string().nullable(),
    elementId: z.string().nullable(),
    step: z.string().nullable(),
    userId: z.string().nullable(),
    role: z.string().nullable(),
    documents: z.array(z.object({ name: z.string(), ref: z.string().optional(), attachmentId: z.string().optional(), sha256: z.string().optional() })).nullable(),
    output: z.array(z.object({ name: z.string(), ref: z.string().optional(), value: z.string().optional() })).nullable(),
    workingMs: z.number().nullable(),
    wallMs: z.number().nullable(),
    standardMs: z.number().nullable(),
    breached: z.boolean().nullable(),
    /** Set when an acting official (Plh./Plt.) did this for the role's holder: that holder's user id. */
    actingFor: z.string().nullable(),
    /** A child case's start and cancel name the case whose call activity started it. */
    parentInstanceId: z.string().nullable(),
    /** A parent's `instance.child-started` and `instance.child-completed` name the child case. */
    childInstanceId: z.string().nullable(),
    /** A `task.rescheduled` event (its calendar changed): the due date before and after. */
    dueAt: z.object({ from: z.string().nullable(), to: z.string() }).optional(),
    /** A `task.created` event of a task with a Camunda assignment: whom it named for this case. */
    assignment: z.object({ candidateGroups: z.array(z.string()), candidateUsers: z.array(z.string()), assignee: z.string().nullable() }).optional(),
    /** An `instance.migrated` event: the versions, and each open task's move with its old and new standard and due date. */
    migration: z.object({ fromVersion: z.number().int(), toVersion: z.number().int(), tasks: z.array(z.unknown()) }).optional(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEvent' });

export const engineMoveSchema = z
  .object({
    instanceId: z.string(),
    outcome: z.enum(['moved', 'unmoved']),
    /** Why the case was not moved; null for a moved one. */
    reason: z.string().nullable(),
    at: z.string(),
  })
  .meta({ id: 'EngineMove' });
export const engineMovesReport = z
  .object({ moved: z.number().int(), unmoved: z.number().int(), items: z.array(engineMoveSchema) })
  .meta({ id: 'EngineMovesReport' });

const elementId = z.string().min(1).max(150);
export const migrationBody = z
  .object({
    definitionKey: z.string().min(1).max(TEXT_LIMITS.definitionKey),
    fromVersion: z.number().int().min(1),
    toVersion: z.number().int().min(1),
    mapping: z
      .record(elementId, elementId)
      .refine((m) => Object.keys(m).length <= 1000, 'at most 1000 instructions')
      .optional()
      .meta({ description: 'fromElementId → toElementId; elements left out map to the element of the same id' }),
    instanceIds: z.array(z.string().min(1).max(100)).min(1).max(1000).optional(),
    filter: z
      .object({ businessKey: z.string().min(1).max(TEXT_LIMITS.businessKey).optional(), startedAfter: instantSchema.optional(), startedBefore: instantSchema.optional() })
      .strict()
      .optional()
      .meta({ description: 'the running cases of fromVersion to move (all of them without instanceIds and filter)' }),
    dryRun: z.boolean().default(false),
  })
  .strict();
const migrationProblem = z.object({
  code: z.enum(['not-applicable', 'no-target', 'kind-mismatch', 'variable-unset', 'history', 'replay', 'carrier', 'changed']),
  elementId: z.string().optional(),
  variable: z.string().optional(),
  message: z.string(),
});
const taskMove = z.object({
  taskId: z.string(),
  from: z.string(),
  to: z.string(),
  name: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  timeStandard: z.object({ from: timeStandardSchema.nullable(), to: timeStandardSchema.nullable() }),
  standardMs: z.object({ from: z.number().nullable(), to: z.number().nullable() }),
  dueAt: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
});
export const migrationReport = z
  .object({
    definitionKey: z.string(),
    fromVersion: z.number().int(),
    toVersion: z.number().int(),
    dryRun: z.boolean(),
    summary: z.object({ cases: z.number().int(), movable: z.number().int(), moved: z.number().int(), refused: z.number().int() }),
    cases: z.array(
      z.object({
        instanceId: z.string(),
        businessKey: z.string().nullable(),
        outcome: z.enum(['movable', 'moved', 'refused']),
        moves: z.array(taskMove),
        problems: z.array(migrationProblem),
      }),
    ),
  })
  .meta({ id: 'MigrationReport' });

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
