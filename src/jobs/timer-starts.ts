// Timer start events: each key's current version (in effect, not suspended) with a timer start event has one schedule row, whose next slot starts
// one case (claimed by a conditional update, and the slot moved on in the transaction that stores the case), started
// by the built-in `system` actor. A new version replaces its key's schedule. The schedules follow the versions when
// these change (a deploy, a suspend or resume: the caller syncs after its commit), when a scheduled version takes
// effect (the executor's round after that instant), and at each process's first round, never on every round.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { DefinitionVersion, DefinitionsRepository } from '../definitions/definitions-repository.js';
import type { TimerDefinition } from '../engine/process-runtime.js';
import type { Logger } from '../logger.js';
import type { WorkingCalendar } from '../sop/working-calendar.js';
import { readTimerForm, timerDueAt, type TimerForm } from './timer-forms.js';

export interface TimerStartRecord {
  id: string;
  definitionKey: string;
  definitionId: string;
  elementId: string;
  dueAt: string;
}

interface Row {
  id: string;
  definition_key: string;
  definition_id: string;
  element_id: string;
  due_at: string;
}

const toRecord = (r: Row): TimerStartRecord => ({ id: r.id, definitionKey: r.definition_key, definitionId: r.definition_id, elementId: r.element_id, dueAt: r.due_at });

/**
 * The slot after `after` of a start timer: a cron's or a cycle's next, a date's own (only while it lies ahead), a
 * duration's end counted from `after`; undefined when the schedule has no slot left.
 */
export function nextStartSlot(form: TimerForm, after: Date, calendar: WorkingCalendar, workingTime: boolean): Date | undefined {
  const due = timerDueAt(form, { from: after, calendar, workingTime });
  return form.kind === 'date' && due <= after ? undefined : due;
}

export interface TimerStartsDeps {
  knex: Knex;
  definitions: DefinitionsRepository;
  timersOf: (definition: DefinitionVersion) => Promise<readonly TimerDefinition[]>;
  /** The version of `latest`'s key new cases start on now (DESIGN.md: current, not suspended), or undefined when none may start. */
  currentOf: (latest: DefinitionVersion) => Promise<DefinitionVersion | undefined>;
  /** The next instant a version of `latest`'s key takes effect (its Tanggal Efektif, 00:00 in the SOP's zone), if one is scheduled. */
  nextEffectiveOf: (latest: DefinitionVersion) => Promise<Date | undefined>;
  calendarOf: (definition: DefinitionVersion) => Promise<WorkingCalendar>;
  /** Starts the slot's case, calling `before` inside its transaction (which moves the slot on). */
  startCase: (definitionId: string, before: (trx: Knex.Transaction) => Promise<void>) => Promise<string>;
  log: Logger;
  clock: () => Date;
}

export function timerStarts(deps: TimerStartsDeps) {
  const { knex, definitions, log, clock } = deps;
  /**
   * When this process syncs next on its own, in ms since the epoch: the next Tanggal Efektif of any version it saw;
   * 0 before its first sync and after a failed one. A version deployed with a later date by another process is
   * scheduled by that process at its date (and by every process at its next start).
   */
  let resyncAt = 0;

  /** The start timer of `definition`, read (undefined when it has none or its value cannot be read). */
  async function startTimer(definition: DefinitionVersion): Promise<{ timer: TimerDefinition; form: TimerForm } | undefined> {
    const timer = (await deps.timersOf(definition)).find((t) => t.eventType === 'start');
    return timer ? { timer, form: readTimerForm(timer.timerType, timer.text) } : undefined;
  }

  /**
   * The schedule rows match the keys' current versions: new ones scheduled, replaced versions rescheduled, gone ones
   * (and those of a key whose current version is suspended, or not yet in effect) deleted.
   */
  async function sync(): Promise<void> {
    resyncAt = 0;
    const now = clock();
    const rows = (await knex('timer_starts')) as Row[];
    const wanted = new Set<string>();
    let next: number | undefined;
    for (const latest of await definitions.listLatest()) {
      const effective = (await deps.nextEffectiveOf(latest))?.getTime();
      if (effective !== undefined && (next === undefined || effective < next)) next = effective;
      const definition = await deps.currentOf(latest);
      if (!definition) continue;
      const start = await startTimer(definition);
      if (!start) continue;
      const row = rows.find((r) => r.definition_key === definition.key && r.element_id === start.timer.elementId);
      wanted.add(`${definition.key}\u0000${start.timer.elementId}`);
      if (row?.definition_id === definition.id) continue;
      const due = nextStartSlot(start.form, now, await deps.calendarOf(definition), start.timer.workingTime);
      if (!due) continue;
      if (row) await knex('timer_starts').where({ id: row.id, definition_id: row.definition_id }).update({ definition_id: definition.id, due_at: due.toISOString() });
      else await knex('timer_starts').insert({ id: randomUUID(), definition_key: definition.key, definition_id: definition.id, element_id: start.timer.elementId, due_at: due.toISOString(), created_at: now.toISOString() }).onConflict(['definition_key', 'element_id']).ignore();
    }
    const gone = rows.filter((r) => !wanted.has(`${r.definition_key}\u0000${r.element_id}`)).map((r) => r.id);
    if (gone.length > 0) await knex('timer_starts').whereIn('id', gone).del();
    resyncAt = next ?? Infinity;
  }

  /** Starts the case of one claimed slot; the slot moves on (or the row goes) only with the case. */
  async function fireSlot(row: Row, owner: string): Promise<void> {
    const definition = (await definitions.byId(row.definition_id)) as DefinitionVersion;
    const start = await startTimer(definition);
    const next = start && nextStartSlot(start.form, new Date(row.due_at), await deps.calendarOf(definition), start.timer.workingTime);
    await deps.startCase(row.definition_id, async (trx) => {
      const held = trx('timer_starts').where({ id: row.id, due_at: row.due_at, locked_by: owner });
      const n = next ? await held.update({ due_at: next.toISOString(), locked_by: null, locked_until: null }) : await held.del();
      if (n !== 1) throw new Error(`the slot ${row.due_at} of ${row.definition_key} was taken by another process`);
    });
  }

  return {
    /**
     * Makes the schedules match the keys' current versions now; called after a deploy or a suspend or resume has
     * committed, so that the change (made in any process) is scheduled at once. Throws what the database throws.
     */
    sync,
    /**
     * `sync` for a caller whose own change is committed already (a deploy, a suspend): a failure is logged and the
     * next executor round syncs again, never undoing that change.
     */
    async syncAfterChange(): Promise<void> {
      try {
        await sync();
      } catch (err) {
        log.error({ err }, 'timer start schedules not synced: the next executor round tries again');
      }
    },
    /** The schedules, soonest first. */
    async list(): Promise<TimerStartRecord[]> {
      return ((await knex('timer_starts').orderBy('due_at')) as Row[]).map(toRecord);
    },
    /**
     * Syncs the schedules when this process has not yet or a version took effect since, then starts one case for
     * each slot due at the clock's now, claimed by `owner` until `until`. Returns the cases started. A failing slot
     * is logged and stays due for the next round.
     */
    async runDue(owner: string, until: string): Promise<number> {
      if (clock().getTime() >= resyncAt) await sync();
      const now = clock().toISOString();
      const free = (q: Knex.QueryBuilder) => q.whereNull('locked_until').orWhere('locked_until', '<=', now);
      let started = 0;
      for (const row of (await knex('timer_starts').where('due_at', '<=', now).where(free).orderBy('due_at')) as Row[]) {
        if ((await knex('timer_starts').where({ id: row.id, due_at: row.due_at }).where(free).update({ locked_by: owner, locked_until: until })) !== 1) continue;
        try {
          await fireSlot(row, owner);
          started++;
        } catch (err) {
          await knex('timer_starts').where({ id: row.id, locked_by: owner }).update({ locked_by: null, locked_until: null });
          log.error({ err, definitionKey: row.definition_key, slot: row.due_at }, 'scheduled start failed');
        }
      }
      return started;
    },
  };
}

export type TimerStarts = ReturnType<typeof timerStarts>;
