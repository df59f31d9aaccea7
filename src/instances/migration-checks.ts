// The parts of a case migration that decide without the database: which variables a new version reads ahead of a
// waiting element before anything can set them, and the open task rows as the new version plans them.
import type { DefinitionVersion } from '../definitions/definitions-repository.js';
import { reachableFrom, type FlowGraph } from '../engine/flow-graph.js';
import { storedInstant } from '../sop/date-window.js';
import type { SopMetadata, TimeStandard } from '../sop/sop-metadata.js';
import { dueAt, standardMs, standardProblem } from '../sop/time-standard.js';
import type { WorkingCalendar } from '../sop/working-calendar.js';
import type { TaskRecord, TaskRow } from '../tasks/tasks-repository.js';

/**
 * The reads of the conditions reachable from `target` in the new version whose variable the case does not have
 * (`variables`) and no step on a path from `target` to the condition sets through its form. A read that cannot be
 * set in time would send the case down whatever path an unset variable takes (or none: SOP_ERR_NO_PATH).
 */
export function unsetReads(graph: FlowGraph, metadata: SopMetadata, target: string, variables: Readonly<Record<string, unknown>>): Array<{ elementId: string; variable: string }> {
  const ahead = reachableFrom(graph, target);
  const sets = new Map(metadata.steps.map((s) => [s.elementId, s.form.map((f) => f.name)]));
  const found: Array<{ elementId: string; variable: string }> = [];
  for (const id of ahead) {
    const reads = (graph.reads.get(id) ?? []).filter((name) => !(name in variables));
    if (reads.length === 0) continue;
    // A step sets a variable in time when it lies between the waiting element and this condition (or is this element).
    const settable = new Set([...ahead].filter((step) => step === id || reachableFrom(graph, step).has(id)).flatMap((step) => sets.get(step) ?? []));
    for (const variable of reads) if (!settable.has(variable)) found.push({ elementId: id, variable });
  }
  return found;
}

/** One open task's move, as the report and the audit event give it: the old standard stays beside the new one. */
export interface TaskMove {
  taskId: string;
  from: string;
  to: string;
  name: { from: string | null; to: string | null };
  timeStandard: { from: TimeStandard | null; to: TimeStandard | null };
  /** The standard in working ms, from the task's clock start. */
  standardMs: { from: number | null; to: number | null };
  dueAt: { from: string | null; to: string | null };
}

/** A move with the task row's new columns. */
export interface PlannedMove extends TaskMove {
  row: Pick<TaskRow, 'definition_id' | 'version' | 'element_id' | 'execution_id' | 'name' | 'step' | 'role' | 'candidate_user_id' | 'due_at' | 'standard_ms' | 'overdue_at'>;
}

/**
 * Each open task on the new version: its target element's SOP row (name, step, role) and its due date and standard
 * from that row's time standard, measured from the task's own clock start (its `startsAt`, else its creation) on
 * `calendar`, in working time. A task marked overdue whose new due date lies ahead of `now` loses the mark.
 */
export function planTaskMoves(
  open: readonly TaskRecord[],
  from: DefinitionVersion,
  to: DefinitionVersion,
  context: { startedBy: string; target(elementId: string): string | undefined; executionIds: ReadonlyMap<string, string>; calendar: WorkingCalendar; now: Date },
): PlannedMove[] {
  const oldSteps = new Map(from.metadata.steps.map((s) => [s.elementId, s]));
  const newSteps = new Map(to.metadata.steps.map((s) => [s.elementId, s]));
  return open.map((task) => {
    const target = context.target(task.elementId) as string;
    const step = newSteps.get(target);
    const iso = step?.timeStandard?.iso;
    const clockStart = new Date(task.startsAt ?? task.createdAt);
    const usable = iso && !standardProblem(iso) ? iso : undefined;
    const due = usable ? storedInstant(dueAt(context.calendar, clockStart, usable)) : null;
    const standard = usable ? standardMs(context.calendar, clockStart, usable) : null;
    const overdueAt = task.overdueAt !== null && (due === null || Date.parse(due) > context.now.getTime()) ? null : task.overdueAt;
    return {
      taskId: task.id,
      from: task.elementId,
      to: target,
      name: { from: task.name, to: step?.activity ?? target },
      timeStandard: { from: oldSteps.get(task.elementId)?.timeStandard ?? null, to: step?.timeStandard ?? null },
      standardMs: { from: task.standardMs, to: standard },
      dueAt: { from: task.dueAt, to: due },
      row: {
        definition_id: to.id,
        version: to.version,
        element_id: target,
        execution_id: context.executionIds.get(task.id) as string,
        name: step?.activity ?? target,
        step: step?.no ?? null,
        role: step?.role ?? null,
        candidate_user_id: step?.initiator ? context.startedBy : null,
        due_at: due,
        standard_ms: standard,
        overdue_at: overdueAt,
      },
    };
  });
}
