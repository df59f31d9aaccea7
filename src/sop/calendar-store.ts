// The business calendars processes name (wib, wita, wit, and units' own): stored in the database, seeded at first
// start with the civil-service week and Indonesia's published holidays, changed by admins and unit owners, cached
// for the hot path. A change re-times the open tasks that count on it, in its own transaction.
import type { Knex } from 'knex';
import { fromJson, toJson } from '../db/json.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { AuditChain } from '../audit/audit-chain.js';
import type { Logger } from '../logger.js';
import holidayData from './holidays-id.json' with { type: 'json' };
import { calendarWarnings, coverage, type CalendarWarning, type YearCoverage } from './calendar-coverage.js';
import { changesAnything, holidayDiff, holidaysAfterFeed, regionalHolidays, type FeedScope, type HolidayDiff } from './holiday-diff.js';
import { resolveCalendar, type CalendarData, type CalendarHoliday, type EffectiveCalendar } from './calendar-resolve.js';
import { checkCalendar, defaultCalendar, freezeCalendar, type DatedHours, type IsoWeekday, type OfficeHoursPeriod, type OfficeInterval, type WorkingCalendar } from './working-calendar.js';

export type { CalendarHoliday } from './calendar-resolve.js';

export interface StoredCalendar extends CalendarData {
  name: string;
  /** The unit (role-id prefix) whose owners may edit it; null for the national calendars (admin only). */
  unit: string | null;
  updatedAt: string;
  updatedBy: string | null;
}

interface CalendarRow {
  id: string;
  name: string;
  time_zone: string;
  hours: string;
  holidays: string;
  periods: string | null;
  days: string | null;
  inherits: string | null;
  removed: string | null;
  unit: string | null;
  updated_at: string;
  updated_by: string | null;
}

const SEEDS: Array<{ id: string; name: string }> = [
  { id: 'wib', name: 'Waktu Indonesia Barat (Asia/Jakarta)' },
  { id: 'wita', name: 'Waktu Indonesia Tengah (Asia/Makassar)' },
  { id: 'wit', name: 'Waktu Indonesia Timur (Asia/Jayapura)' },
];

/** The shipped national holidays and cuti bersama, each marked provisional unless its year's decree is confirmed. */
export function shippedHolidays(): CalendarHoliday[] {
  const out: CalendarHoliday[] = [];
  for (const year of Object.values(holidayData.years)) {
    for (const h of year.holidays) out.push({ date: h.date, name: h.name, kind: h.kind, provisional: year.status !== 'confirmed' });
  }
  return out;
}

function toCalendar(row: CalendarRow): StoredCalendar {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    hours: fromJson<Record<IsoWeekday, OfficeInterval[]>>(row.hours, defaultCalendar(row.id).hours as Record<IsoWeekday, OfficeInterval[]>),
    holidays: fromJson<CalendarHoliday[]>(row.holidays, []),
    periods: fromJson<OfficeHoursPeriod[]>(row.periods, []),
    days: fromJson<DatedHours[]>(row.days, []),
    inherits: row.inherits ?? null,
    removed: fromJson<string[]>(row.removed, []),
    unit: row.unit ?? null,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

function toRow(cal: StoredCalendar): CalendarRow {
  return {
    id: cal.id,
    name: cal.name,
    time_zone: cal.timeZone,
    hours: toJson(cal.hours),
    holidays: toJson(cal.holidays),
    periods: toJson(cal.periods),
    days: toJson(cal.days),
    inherits: cal.inherits,
    removed: toJson(cal.removed),
    unit: cal.unit,
    updated_at: cal.updatedAt,
    updated_by: cal.updatedBy,
  };
}

export interface CalendarPatch {
  name?: string;
  timeZone?: string;
  hours?: Partial<Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', readonly OfficeInterval[]>>;
  holidays?: CalendarHoliday[];
  periods?: OfficeHoursPeriod[];
  days?: DatedHours[];
  removed?: string[];
}

/** A new calendar: a unit's own, inheriting a national one. */
export interface NewCalendar extends Omit<CalendarPatch, 'name'> {
  id: string;
  name: string;
  inherits: string;
  unit: string;
}

/**
 * Re-times what counts on the calendars in `changed` (their new effective data), inside the transaction that
 * stores the change; returns how many tasks moved.
 */
export type Retime = (trx: Knex.Transaction, changed: ReadonlyMap<string, EffectiveCalendar>, at: string, userId: string) => Promise<number>;

/** The field a calendar problem belongs to, read from the arithmetic's message. */
function fieldOf(message: string): string {
  if (/period/.test(message)) return 'periods';
  if (/holiday|listed twice/.test(message)) return 'holidays';
  if (/ day /.test(message)) return 'days';
  if (/time zone/.test(message)) return 'timeZone';
  return 'hours';
}

/** Every effective calendar in `all`, each frozen for the arithmetic's cache. */
function resolveAll(all: ReadonlyMap<string, StoredCalendar>): Map<string, EffectiveCalendar> {
  return new Map([...all.values()].map((c) => [c.id, freezeCalendar(resolveCalendar(c, c.inherits ? all.get(c.inherits) : undefined))]));
}

/** Refuses data the arithmetic cannot use, naming the field: ValidationError. */
function checkUsable(cal: StoredCalendar, effective: ReadonlyMap<string, EffectiveCalendar>, affected: readonly string[]): void {
  const dates = new Set<string>();
  for (const h of cal.holidays) {
    if (dates.has(h.date)) throw new ValidationError(`holiday ${h.date} is listed twice`, [{ name: 'holidays', message: `${h.date} is listed twice` }]);
    dates.add(h.date);
  }
  for (const id of affected) {
    try {
      checkCalendar(effective.get(id) as EffectiveCalendar);
    } catch (err) {
      const message = (err as Error).message;
      throw new ValidationError(`calendar ${cal.id} is not usable: ${message}`, [{ name: fieldOf(message), message }]);
    }
  }
}

function patched(current: StoredCalendar, patch: CalendarPatch, userId: string, at: string): StoredCalendar {
  const hours = { ...current.hours } as Record<IsoWeekday, readonly OfficeInterval[]>;
  for (const [day, intervals] of Object.entries(patch.hours ?? {})) hours[Number(day) as IsoWeekday] = intervals ?? [];
  return {
    ...current,
    name: patch.name ?? current.name,
    timeZone: patch.timeZone ?? current.timeZone,
    hours,
    holidays: patch.holidays ?? current.holidays,
    periods: patch.periods ?? current.periods,
    days: patch.days ?? current.days,
    removed: patch.removed ?? current.removed,
    updatedAt: at,
    updatedBy: userId,
  };
}

export function calendarStore(deps: { knex: Knex; audit: AuditChain; log: Logger; clock: () => Date; refreshMs?: number; retime?: Retime }) {
  const { knex, audit, log, clock } = deps;
  const refreshMs = deps.refreshMs ?? 30_000;
  let stored = new Map<string, StoredCalendar>();
  let effective = new Map<string, EffectiveCalendar>();
  let loadedAt = -Infinity;

  async function reload(): Promise<void> {
    const rows = (await knex('calendars').select()) as CalendarRow[];
    stored = new Map(rows.map((r) => [r.id, toCalendar(r)]));
    effective = resolveAll(stored);
    loadedAt = Date.now();
  }

  /**
   * Stores `next` (a new row when `insert`), audits it (`detail` added to the event's data) and re-times the tasks on
   * it and on its children, in one transaction.
   */
  async function save(userId: string, next: StoredCalendar, insert: boolean, detail: Record<string, unknown> = {}): Promise<StoredCalendar> {
    const all = new Map(stored).set(next.id, next);
    const resolved = resolveAll(all);
    const affected = [next.id, ...[...all.values()].filter((c) => c.inherits === next.id).map((c) => c.id)];
    checkUsable(next, resolved, affected);
    let moved = 0;
    await knex.transaction(async (trx) => {
      if (insert) await trx('calendars').insert(toRow(next));
      else await trx('calendars').where({ id: next.id }).update(toRow(next));
      const data = { calendar: next.id, inherits: next.inherits, timeZone: next.timeZone, hours: next.hours, holidays: next.holidays.length, provisional: next.holidays.filter((h) => h.provisional).length, periods: next.periods.length, days: next.days.length, removed: next.removed.length, ...detail };
      await audit.append(trx, [{ type: 'calendar.updated', at: next.updatedAt, userId, data }]);
      if (deps.retime) moved = await deps.retime(trx, new Map(affected.map((id) => [id, resolved.get(id) as EffectiveCalendar])), next.updatedAt, userId);
    });
    await reload();
    log.info({ calendar: next.id, userId, tasksRetimed: moved, event: 'calendar.updated' }, 'calendar updated');
    return stored.get(next.id) as StoredCalendar;
  }

  /** Reloads when the cache is older than `refreshMs` (another process may have changed a calendar). */
  async function fresh(): Promise<void> {
    if (Date.now() - loadedAt > refreshMs) await reload();
  }

  async function warnings(): Promise<CalendarWarning[]> {
    await fresh();
    const now = clock();
    return [...effective.values()].sort((a, b) => a.id.localeCompare(b.id)).flatMap((c) => calendarWarnings(c.id, c.holidays, now));
  }

  return {
    /** Creates the missing standard calendars; called at start (idempotent). */
    async seed(): Promise<void> {
      const existing = new Set(((await knex('calendars').select('id')) as Array<{ id: string }>).map((r) => r.id));
      const at = clock().toISOString();
      for (const s of SEEDS) {
        if (existing.has(s.id)) continue;
        const base = defaultCalendar(s.id);
        const row: StoredCalendar = { id: s.id, name: s.name, timeZone: base.timeZone, hours: base.hours, holidays: shippedHolidays(), periods: [], days: [], inherits: null, removed: [], unit: null, updatedAt: at, updatedBy: null };
        try {
          await knex('calendars').insert(toRow(row));
        } catch (err) {
          // Another process seeded it first.
          if (!/unique|duplicate/i.test((err as Error).message)) throw err;
        }
      }
      await reload();
    },

    /** The calendar a process names, as the arithmetic counts on it; rows changed by another process are picked up within `refreshMs`. */
    async get(id: string): Promise<WorkingCalendar> {
      await fresh();
      return effective.get(id.toLowerCase()) ?? defaultCalendar(id);
    },

    /** A calendar's own data, or undefined. */
    async stored(id: string): Promise<StoredCalendar | undefined> {
      await reload();
      return stored.get(id);
    },

    /** The effective data of every calendar, as of now. */
    async effective(): Promise<ReadonlyMap<string, EffectiveCalendar>> {
      await reload();
      return effective;
    },

    async list(): Promise<StoredCalendar[]> {
      await reload();
      return [...stored.values()].sort((a, b) => a.id.localeCompare(b.id));
    },

    /** A unit's calendar over a national one. Throws ConflictError (id taken), ValidationError (parent not national, bad data). */
    async create(userId: string, input: NewCalendar): Promise<StoredCalendar> {
      await reload();
      if (stored.has(input.id)) throw new ConflictError(`calendar ${input.id} exists`, 'exists');
      const parent = stored.get(input.inherits);
      if (!parent || parent.inherits !== null) throw new ValidationError(`calendar ${input.inherits} cannot be inherited`, [{ name: 'inherits', message: 'must name a national calendar (wib, wita, wit)' }]);
      const base: StoredCalendar = { ...parent, id: input.id, name: input.name, holidays: [], periods: [], days: [], removed: [], inherits: parent.id, unit: input.unit, updatedAt: '', updatedBy: null };
      return save(userId, patched(base, input, userId, clock().toISOString()), true);
    },

    /** Per year, whether the holidays a calendar counts on are confirmed, provisional or missing. Throws NotFoundError. */
    async coverage(id: string): Promise<{ calendar: string; years: YearCoverage[] }> {
      await reload();
      const cal = effective.get(id);
      if (!cal) throw new NotFoundError(`calendar ${id} not found`);
      return { calendar: id, years: coverage(cal.holidays, clock()) };
    },

    /** Every calendar lacking confirmed holidays for the current year, or for the next within 90 days of its start. */
    warnings,

    /** Writes each warning to the log (at start and once a day); returns how many. */
    async logWarnings(): Promise<number> {
      const found = await warnings();
      for (const w of found) log.warn({ calendar: w.calendar, year: w.year, status: w.status, event: 'calendar.unconfirmed' }, w.message);
      return found.length;
    },

    /**
     * The difference a `feed` (read from an iCalendar text) makes to the holidays calendar `id` counts on (for a
     * regional calendar, its parent's kept and its own): in the feed's years only (`scope: 'years'`) or in every year
     * (`'all'`, see holidaysAfterFeed). Applied only when `apply` and something changes: as a change
     * of the calendar's holidays (and, for a regional one, `removed`) through the same transaction, audit event and
     * re-timing of open tasks as `update`. Throws NotFoundError, ValidationError.
     */
    async importHolidays(userId: string, id: string, feed: readonly CalendarHoliday[], options: { apply: boolean; scope: FeedScope }): Promise<{ calendar: string; applied: boolean; years: number[] } & HolidayDiff> {
      await reload();
      const current = stored.get(id);
      if (!current) throw new NotFoundError(`calendar ${id} not found`);
      const counted = (effective.get(id) as EffectiveCalendar).holidays;
      const { holidays: desired, replaced, years } = holidaysAfterFeed(counted, feed, options.scope);
      const diff = holidayDiff(replaced, feed);
      const applied = options.apply && changesAnything(diff);
      if (applied) {
        const parent = current.inherits === null ? undefined : stored.get(current.inherits);
        const patch: CalendarPatch = parent ? regionalHolidays(desired, parent.holidays) : { holidays: [...desired] };
        const counts = { added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length };
        await save(userId, patched(current, patch, userId, clock().toISOString()), false, { source: 'ics', scope: options.scope, years, holidaysChanged: counts });
      }
      return { calendar: id, applied, years, ...diff };
    },

    /** Changes a calendar; throws NotFoundError, ValidationError naming the field. */
    async update(userId: string, id: string, patch: CalendarPatch): Promise<StoredCalendar> {
      await reload();
      const current = stored.get(id);
      if (!current) throw new NotFoundError(`calendar ${id} not found`);
      return save(userId, patched(current, patch, userId, clock().toISOString()), false);
    },
  };
}

export type CalendarStore = ReturnType<typeof calendarStore>;
