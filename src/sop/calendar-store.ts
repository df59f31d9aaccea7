// The business calendars processes name (wib, wita, wit): stored in the database, seeded at first start with
// the civil-service week and Indonesia's published holidays, changed by admins, cached for the hot path.
import type { Knex } from 'knex';
import { fromJson, toJson } from '../db/json.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { AuditChain } from '../audit/audit-chain.js';
import type { Logger } from '../logger.js';
import holidayData from './holidays-id.json' with { type: 'json' };
import { defaultCalendar, freezeCalendar, workingTimeBetween, type IsoWeekday, type OfficeInterval, type WorkingCalendar } from './working-calendar.js';

export interface CalendarHoliday {
  date: string;
  name: string;
  /** `libur-nasional`, `cuti-bersama`, or an admin's own kind (e.g. `libur-daerah`). */
  kind?: string;
  /** True for dates not yet fixed by a published decree; an admin confirms them with PUT /calendars/:id. */
  provisional?: boolean;
}

export interface StoredCalendar extends WorkingCalendar {
  name: string;
  holidays: CalendarHoliday[];
  updatedAt: string;
  updatedBy: string | null;
}

interface CalendarRow {
  id: string;
  name: string;
  time_zone: string;
  hours: string;
  holidays: string;
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
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

export interface CalendarPatch {
  name?: string;
  timeZone?: string;
  hours?: Partial<Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', readonly OfficeInterval[]>>;
  holidays?: CalendarHoliday[];
}

export function calendarStore(deps: { knex: Knex; audit: AuditChain; log: Logger; clock: () => Date; refreshMs?: number }) {
  const { knex, audit, log, clock } = deps;
  const refreshMs = deps.refreshMs ?? 30_000;
  let cache = new Map<string, StoredCalendar>();
  let loadedAt = -Infinity;

  async function reload(): Promise<void> {
    const rows = (await knex('calendars').select()) as CalendarRow[];
    cache = new Map(rows.map((r) => [r.id, freezeCalendar(toCalendar(r))]));
    loadedAt = Date.now();
  }

  return {
    /** Creates the missing standard calendars; called at start (idempotent). */
    async seed(): Promise<void> {
      const existing = new Set(((await knex('calendars').select('id')) as Array<{ id: string }>).map((r) => r.id));
      const at = clock().toISOString();
      for (const s of SEEDS) {
        if (existing.has(s.id)) continue;
        const base = defaultCalendar(s.id);
        try {
          await knex('calendars').insert({ id: s.id, name: s.name, time_zone: base.timeZone, hours: toJson(base.hours), holidays: toJson(shippedHolidays()), updated_at: at, updated_by: null });
        } catch (err) {
          // Another process seeded it first.
          if (!/unique|duplicate/i.test((err as Error).message)) throw err;
        }
      }
      await reload();
    },

    /** The calendar a process names; rows changed by another process are picked up within `refreshMs`. */
    async get(id: string): Promise<WorkingCalendar> {
      if (Date.now() - loadedAt > refreshMs) await reload();
      return cache.get(id.toLowerCase()) ?? defaultCalendar(id);
    },

    async list(): Promise<StoredCalendar[]> {
      await reload();
      return [...cache.values()].sort((a, b) => a.id.localeCompare(b.id));
    },

    async update(userId: string, id: string, patch: CalendarPatch): Promise<StoredCalendar> {
      const current = cache.get(id) ?? (await reload(), cache.get(id));
      if (!current) throw new NotFoundError(`calendar ${id} not found`);
      const hours = { ...current.hours } as Record<IsoWeekday, readonly OfficeInterval[]>;
      for (const [day, intervals] of Object.entries(patch.hours ?? {})) hours[Number(day) as IsoWeekday] = intervals ?? [];
      const next: StoredCalendar = {
        ...current,
        name: patch.name ?? current.name,
        timeZone: patch.timeZone ?? current.timeZone,
        hours,
        holidays: patch.holidays ?? current.holidays,
      };
      const dates = new Set<string>();
      for (const h of next.holidays) {
        if (dates.has(h.date)) throw new ValidationError(`holiday ${h.date} is listed twice`, [{ name: 'holidays', message: `${h.date} is listed twice` }]);
        dates.add(h.date);
      }
      try {
        // The arithmetic checks the zone, every HH:mm and every date; a calendar it cannot use is refused.
        workingTimeBetween(next, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-08T00:00:00Z'));
      } catch (err) {
        throw new ValidationError(`calendar ${id} is not usable: ${(err as Error).message}`, [{ name: 'body', message: (err as Error).message }]);
      }
      const at = clock().toISOString();
      await knex.transaction(async (trx) => {
        await trx('calendars')
          .where({ id })
          .update({ name: next.name, time_zone: next.timeZone, hours: toJson(next.hours), holidays: toJson(next.holidays), updated_at: at, updated_by: userId });
        await audit.append(trx, [
          { type: 'calendar.updated', at, userId, data: { calendar: id, timeZone: next.timeZone, hours: next.hours, holidays: next.holidays.length, provisional: next.holidays.filter((h) => h.provisional).length } },
        ]);
      });
      await reload();
      log.info({ calendar: id, userId, event: 'calendar.updated' }, 'calendar updated');
      return cache.get(id) as StoredCalendar;
    },
  };
}

export type CalendarStore = ReturnType<typeof calendarStore>;
