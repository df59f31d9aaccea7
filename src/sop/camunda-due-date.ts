// A task's due date from Camunda's `camunda:dueDate` / `zeebe:taskSchedule dueDate`: an ISO 8601 date-time, a date, or
// a duration from the task's creation, literal or given by an expression; counted in working time on a SOP calendar.
import { DateTime } from 'luxon';
import { ActivityFailedError } from '../errors.js';
import { evaluateVendorExpression, isVendorExpression } from '../engine/vendor-expression.js';
import { parseIsoDateTime } from './date-window.js';
import { dueAt as workingDueAt, parseIsoDuration, standardProblem } from './time-standard.js';
import type { WorkingCalendar } from './working-calendar.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Why a literal due date cannot be one, or undefined (deploy check): it must be a date-time with its zone, a date
 * (`YYYY-MM-DD`, midnight in the SOP's zone) or an ISO duration of at most one year. Expressions are checked elsewhere.
 */
export function dueDateProblem(text: string): string | undefined {
  if (isVendorExpression(text)) return undefined;
  if (parseIsoDateTime(text) !== undefined || (DATE.test(text) && DateTime.fromISO(text).isValid)) return undefined;
  if (text.startsWith('P')) return standardProblem(text);
  return `dueDate '${text}' must be an ISO 8601 date-time with its zone, a date (YYYY-MM-DD) or a duration (P2D, PT4H)`;
}

/**
 * The instant a task created at `createdAt` is due by its Camunda due date `text` (evaluated over `variables` when it
 * is an expression; FEEL's `now()` is `createdAt`). A duration counts working time of `calendar` when `workingTime` (the SOP names its calendar),
 * else wall time; a date is midnight in the calendar's zone. Throws ActivityFailedError (422 naming `elementId`) for
 * an expression whose value is neither.
 */
export function camundaDueAt(elementId: string, text: string, variables: Record<string, unknown>, calendar: WorkingCalendar, createdAt: Date, workingTime: boolean): Date {
  const value = evaluateVendorExpression(text, variables, { now: () => createdAt });
  const written = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value.trim() : '';
  const problem = written === '' ? `dueDate '${text}' gave ${JSON.stringify(value) ?? 'nothing'}, not a date or a duration` : dueDateProblem(written);
  if (problem) throw new ActivityFailedError(elementId, problem);
  const instant = parseIsoDateTime(written);
  if (instant !== undefined) return new Date(instant);
  if (DATE.test(written)) return DateTime.fromISO(written, { zone: calendar.timeZone }).toJSDate();
  if (workingTime) return workingDueAt(calendar, createdAt, written);
  const parts = parseIsoDuration(written);
  return new Date(createdAt.getTime() + (parts?.days ?? 0) * 86_400_000 + (parts?.ms ?? 0));
}
