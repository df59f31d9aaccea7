// The named steps of completing a task that need no engine: the evidence it cites, the step's measured duration
// against its mutu baku, the audit event and the row as the completion writes it.
import { createHash } from 'node:crypto';
import { ValidationError } from '../errors.js';
import type { User } from '../auth/users-repository.js';
import type { DocumentRecord, NewAuditEvent, OutputRecord } from '../audit/audit-chain.js';
import type { DefinitionVersion } from '../definitions/definitions-repository.js';
import type { CompletionInput } from '../sop/form-validation.js';
import { effectiveClockStart, measureStep } from '../sop/step-clock.js';
import type { WorkingCalendar } from '../sop/working-calendar.js';
import type { AttachmentsRepository } from '../tasks/attachments.js';
import type { TaskRecord } from '../tasks/tasks-repository.js';

/** What a completion records beyond its evidence: the values, the output and the sealed content. */
export interface Recorded {
  routing: Record<string, unknown>;
  output: OutputRecord[];
  sealed: Buffer | null;
  confidential: boolean;
}

/** A step's duration as measured at completion: working and wall time in ms, and whether it broke its standard. */
export interface Measured {
  at: string;
  workingMs: number;
  wallMs: number;
  /** Null when the step has no time standard. */
  breached: boolean | null;
}

/**
 * The documents a completion cites. An `attachmentId` must name a file uploaded to this very task; its sha256 is
 * recorded with it. Throws ValidationError naming `documents.<i>.attachmentId` otherwise.
 */
export async function collectEvidence(attachments: AttachmentsRepository, task: TaskRecord, cited: CompletionInput['documents']): Promise<DocumentRecord[]> {
  const documents: DocumentRecord[] = [];
  for (const [i, d] of cited.entries()) {
    const doc: DocumentRecord = { name: d.name, ...(d.ref === undefined ? {} : { ref: d.ref }) };
    if (d.attachmentId !== undefined) {
      const file = await attachments.info(d.attachmentId);
      if (!file || file.taskId !== task.id) throw new ValidationError('unknown attachment', [{ name: `documents.${i}.attachmentId`, message: 'no attachment of this task has this id' }]);
      doc.attachmentId = file.id;
      doc.sha256 = file.sha256;
    }
    documents.push(doc);
  }
  return documents;
}

/**
 * Measures a task from its clock start to `now`, in the calendar's working time: `startsAt`, else (no schedule, or
 * completed before its scheduled time) its creation (effectiveClockStart).
 */
export function measureCompletion(calendar: WorkingCalendar, task: TaskRecord, now: Date): Measured {
  const clockStart = new Date(effectiveClockStart(task.createdAt, task.startsAt, now.toISOString()));
  const { workingMs, wallMs } = measureStep(calendar, clockStart, now);
  return { at: now.toISOString(), workingMs, wallMs, breached: task.standardMs === null ? null : workingMs > task.standardMs };
}

/** The `task.completed` audit event: who, the evidence, the output, the measured duration against the standard. */
export function completionEvent(definition: DefinitionVersion, task: TaskRecord, user: User, documents: DocumentRecord[], recorded: Recorded, measured: Measured): NewAuditEvent {
  const acting = task.role ? user.actingFor?.[task.role] : undefined;
  return {
    type: 'task.completed',
    at: measured.at,
    definitionKey: definition.key,
    version: definition.version,
    instanceId: task.instanceId,
    taskId: task.id,
    elementId: task.elementId,
    step: task.step,
    userId: user.id,
    role: task.role,
    documents,
    output: recorded.output,
    workingMs: measured.workingMs,
    wallMs: measured.wallMs,
    standardMs: task.standardMs,
    breached: measured.breached,
    data: {
      variables: recorded.routing,
      // The sealed content's hash: proof that what its author reads back is what was recorded.
      ...(recorded.confidential ? { confidential: true, sealedSha256: recorded.sealed ? createHash('sha256').update(recorded.sealed).digest('hex') : null } : {}),
      // Done by an acting official: the trail names both (Plh. for the role's holder).
      ...(acting ? { actingFor: acting.forUser, delegationId: acting.delegationId } : {}),
    },
  };
}

/** The columns a completion writes on the task row. */
export function completedColumns(task: TaskRecord, user: User, documents: DocumentRecord[], recorded: Recorded, measured: Measured): Record<string, unknown> {
  return {
    status: 'completed',
    completed_at: measured.at,
    completed_by: user.id,
    assignee: task.assignee ?? user.id,
    documents: JSON.stringify(documents),
    output: JSON.stringify(recorded.output),
    variables: JSON.stringify(recorded.routing),
    sealed_content: recorded.sealed,
    working_ms: measured.workingMs,
    wall_ms: measured.wallMs,
    breached: measured.breached,
  };
}

/** The task as the completion wrote it, without reading it again. */
export function completedTask(task: TaskRecord, user: User, documents: DocumentRecord[], recorded: Recorded, measured: Measured): TaskRecord {
  return {
    ...task,
    status: 'completed',
    completedAt: measured.at,
    completedBy: user.id,
    assignee: task.assignee ?? user.id,
    documents,
    output: recorded.output,
    variables: recorded.routing,
    workingMs: measured.workingMs,
    wallMs: measured.wallMs,
    breached: measured.breached,
    contentSealed: recorded.sealed !== null,
  };
}
