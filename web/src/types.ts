// The JSON shapes of the routes the page calls (see ../shared/DESIGN.md and src/routes/schemas.ts).
export interface Me {
  id: string;
  name: string;
  roles: string[];
  /** `own`: set by the user; `enrolment`: issued by an admin (cannot read sealed content); `config`: ADMIN_TOKEN. */
  tokenKind: 'own' | 'enrolment' | 'config';
}

export interface Role {
  id: string;
  name: string;
  initiator: boolean;
}

export interface Definition {
  key: string;
  version: number;
  name: string;
  organisation: string | null;
  /** The calendar its time standards count on. */
  calendar: string;
  timeZone: string;
  stepCount: number;
  roles: Role[];
  /** The unit it belongs to (declared, its lanes' role prefix, or its deployer's); null when none. */
  unit?: string | null;
}

export interface DefinitionDetail extends Definition {
  versions: Array<{
    version: number;
    deployedAt: string;
    hash: string;
    source: string | null;
    deployedBy: { id: string; name: string } | null;
    /** The sheet's Tanggal Efektif (YYYY-MM-DD), null when it has none. */
    effective: string | null;
    status: 'current' | 'scheduled' | 'superseded';
    suspendedAt: string | null;
  }>;
}

export interface TimeStandard {
  text: string;
  iso: string | null;
}

export interface FormField {
  name: string;
  label: string;
  /** `date` (YYYY-MM-DD) comes from Camunda 8 forms (form-js date pickers). */
  type: 'string' | 'boolean' | 'enum' | 'datetime' | 'number' | 'date';
  required: boolean;
  options?: Array<{ value: string; label: string }>;
  slots?: Array<{ start: string; end: string }>;
  /** Shown, not entered: a value sent for it is refused. */
  readonly?: boolean;
}

export interface Task {
  id: string;
  instanceId: string;
  definitionKey: string;
  version: number;
  elementId: string;
  name: string | null;
  step: string | null;
  role: string | null;
  assignee: string | null;
  status: 'open' | 'claimed' | 'completed' | 'cancelled';
  createdAt: string;
  claimedAt: string | null;
  completedAt: string | null;
  startsAt: string | null;
  /** When the working-time clock starts counting: startsAt or createdAt, moved to the next opening of office hours. */
  clockStartsAt: string;
  dueAt: string | null;
  timeStandard: TimeStandard | null;
  requires: string[];
  output: string[];
  confidential: boolean;
  form: FormField[];
  /** The task's form as form-js JSON (a Camunda form, or its form fields converted); absent when it has none. */
  formSchema?: Record<string, unknown>;
  documents: Array<{ name: string; ref?: string; attachmentId?: string; sha256?: string }> | null;
  recordedOutput: Array<{ name: string; ref?: string; value?: string }> | null;
  /** Content recorded at a confidential step is sealed: only its author reads it, at /tasks/:id/content. */
  contentSealed: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface InstanceDetail {
  id: string;
  definitionKey: string;
  version: number;
  businessKey: string | null;
  status: 'running' | 'completed' | 'cancelled';
  startedBy: string;
  startedAt: string;
  endedAt: string | null;
  steps: Array<{ taskId: string; elementId: string; step: string | null; name: string | null; role: string | null; status: string; completedAt: string | null; dueAt: string | null }>;
  openTasks: Task[];
}

export interface SheetStep {
  no: string;
  elementId: string;
  activity: string;
  actor: { role: string | null; name: string | null };
  requires: string[];
  timeStandard: TimeStandard | null;
  output: string[];
  note: string | null;
  confidential: boolean;
  decision: boolean;
}

export interface SopSheet {
  key: string;
  version: number;
  title: string;
  organisation: string | null;
  number: string | null;
  timeZone: string;
  steps: SheetStep[];
}

export interface ReportRow {
  definitionKey: string;
  version: number;
  elementId?: string;
  step?: string | null;
  name?: string | null;
  role?: string | null;
  count: number;
  medianMs: number;
  p90Ms: number;
  standardMs: number | null;
  compliance: number | null;
  breaches: number;
}

export interface Breach {
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
  overdueMs: number;
  open: boolean;
}

/** What its author recorded at a confidential step (GET /tasks/:id/content). */
export interface SealedContent {
  taskId: string;
  recordedBy: string;
  recordedAt: string;
  variables: Record<string, string>;
  output: Array<{ name: string; value: string }>;
}

/** A calendar lacking confirmed holidays for a year (`GET /health`). */
export interface CalendarWarning {
  calendar: string;
  year: number;
  status: 'none' | 'provisional';
  message: string;
}
