// Turns what the engine is waiting for into task rows: new waits become tasks, vanished waits are cancelled.
import { randomUUID } from 'node:crypto';
import { toJson } from '../db/json.js';
import type { WaitingTask } from '../engine/process-runtime.js';
import type { DefinitionVersion } from '../definitions/definitions-repository.js';
import type { InstanceRecord } from '../instances/instances-repository.js';
import { planStep } from '../sop/step-clock.js';
import { storedInstant } from '../sop/date-window.js';
import type { WorkingCalendar } from '../sop/working-calendar.js';
import type { TaskRecord, TaskRow } from './tasks-repository.js';
import { camundaDueAt } from '../sop/camunda-due-date.js';
import { assignmentVariables, resolveAssignment, type ResolvedAssignment } from './task-assignment.js';

export interface Projection {
  created: TaskRow[];
  vanished: TaskRecord[];
}

/**
 * A new task's columns from its Camunda assignment: its candidates, and an assignee (camunda:assignee,
 * zeebe:assignmentDefinition) has it as if they had claimed it at creation. An id longer than a user id names nobody.
 */
function assignmentColumns(assigned: ResolvedAssignment, now: Date): Pick<TaskRow, 'candidate_groups' | 'candidate_users' | 'assignee' | 'status' | 'claimed_at'> {
  const assignee = assigned.assignee !== null && assigned.assignee.length <= 36 ? assigned.assignee : null;
  return {
    candidate_groups: assigned.candidateGroups.length > 0 ? toJson(assigned.candidateGroups) : null,
    candidate_users: assigned.candidateUsers.length > 0 ? toJson(assigned.candidateUsers) : null,
    assignee,
    status: assignee ? 'claimed' : 'open',
    claimed_at: assignee ? now.toISOString() : null,
  };
}

/**
 * New waits become task rows (their due date, standard, candidates and assignee planned at `now`); tasks whose
 * execution no longer waits have vanished (the caller cancels them).
 */
export function projectTasks(
  definition: DefinitionVersion,
  calendar: WorkingCalendar,
  instance: Pick<InstanceRecord, 'id' | 'startedBy' | 'variables'>,
  open: TaskRecord[],
  waiting: WaitingTask[],
  now: Date,
): Projection {
  const known = new Set(open.map((t) => t.executionId));
  const still = new Set(waiting.map((w) => w.executionId));
  const created: TaskRow[] = [];
  for (const wait of waiting) {
    if (known.has(wait.executionId)) continue;
    const step = definition.metadata.steps.find((s) => s.elementId === wait.elementId);
    const plan = planStep(calendar, step, now, instance.variables);
    const variables = assignmentVariables(definition.metadata, instance.variables, instance.startedBy);
    // A sop:mutuBaku standard wins over a Camunda due date (the deploy warns of both): it is the SOP's own rule.
    const due = plan.dueAt ?? (step?.dueDate ? camundaDueAt(step.elementId, step.dueDate, variables, calendar, now, definition.metadata.calendarDeclared === true) : null);
    created.push({
      ...assignmentColumns(resolveAssignment(step, variables), now),
      id: randomUUID(),
      instance_id: instance.id,
      definition_id: definition.id,
      definition_key: definition.key,
      version: definition.version,
      element_id: wait.elementId,
      execution_id: wait.executionId,
      name: step?.activity ?? wait.elementId,
      step: step?.no ?? null,
      role: step?.role ?? null,
      candidate_user_id: step?.initiator ? instance.startedBy : null,
      created_at: now.toISOString(),
      completed_at: null,
      completed_by: null,
      starts_at: plan.startsAt ? storedInstant(plan.startsAt) : null,
      due_at: due ? storedInstant(due) : null,
      standard_ms: plan.standardMs,
      overdue_at: null,
      documents: null,
      output: null,
      variables: null,
      loop_counter: wait.loopCounter ?? null,
      element_variable: wait.elementVariable ? toJson(wait.elementVariable) : null,
    });
  }
  return { created, vanished: open.filter((t) => !still.has(t.executionId)) };
}
