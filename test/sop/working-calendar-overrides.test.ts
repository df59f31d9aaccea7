// Working-time arithmetic over dated overrides (periods with their own hours, half days, extra working days) and
// over long spans, checked against a day-by-day oracle; and its cost, counted in look-ups, independent of the span.
import t from 'tap';
import fc from 'fast-check';
import {
  addWorkingDays,
  addWorkingTime,
  defaultCalendar,
  isWorkingInstant,
  lookupCount,
  nextOpening,
  workingTimeBetween,
  type OfficeInterval,
  type WorkingCalendar,
} from '../../src/sop/working-calendar.js';
import { dueAt } from '../../src/sop/time-standard.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const wib = (local: string): Date => new Date(`${local}:00+07:00`);

// Ramadan 1447 H as SE MenPAN-RB sets it every year: Mon–Thu 08:00–15:00, Fri 08:00–15:30 (the dates here are a test's).
const RAMADAN = { from: '2026-02-18', to: '2026-03-19', name: 'Ramadan 1447 H', source: 'SE MenPAN-RB (uji)', hours: { 1: [{ start: '08:00', end: '15:00' }], 2: [{ start: '08:00', end: '15:00' }], 3: [{ start: '08:00', end: '15:00' }], 4: [{ start: '08:00', end: '15:00' }], 5: [{ start: '08:00', end: '15:30' }] } };
const WIB: WorkingCalendar = { ...defaultCalendar('wib'), periods: [RAMADAN], days: [{ date: '2026-03-07', name: 'Hari kerja pengganti', hours: [{ start: '07:30', end: '12:00' }] }, { date: '2026-03-05', name: 'Setengah hari', hours: [{ start: '07:30', end: '12:00' }] }] };

t.test('dated overrides: a Ramadan period, a half day and an extra working day', async (t) => {
  t.equal(workingTimeBetween(WIB, wib('2026-03-02T00:00'), wib('2026-03-03T00:00')), 7 * HOUR, 'a Ramadan Monday has 7 hours');
  t.equal(workingTimeBetween(WIB, wib('2026-03-06T00:00'), wib('2026-03-07T00:00')), 7.5 * HOUR, 'a Ramadan Friday 7.5');
  t.equal(workingTimeBetween(WIB, wib('2026-03-05T00:00'), wib('2026-03-06T00:00')), 4.5 * HOUR, 'a half day wins over the period');
  t.equal(workingTimeBetween(WIB, wib('2026-03-07T00:00'), wib('2026-03-08T00:00')), 4.5 * HOUR, 'an extra working Saturday');
  t.equal(workingTimeBetween(WIB, wib('2026-03-23T00:00'), wib('2026-03-24T00:00')), 8.5 * HOUR, 'after the period, the usual Monday');
  t.same(addWorkingTime(WIB, wib('2026-03-02T14:55'), 15 * MIN), wib('2026-03-03T08:10'), 'Ramadan closes at 15:00');
  t.same(nextOpening(WIB, wib('2026-03-03T07:45')), wib('2026-03-03T08:00'), 'and opens at 08:00');
  t.ok(isWorkingInstant(WIB, wib('2026-03-07T09:00')), 'the extra Saturday is open');
  t.same(addWorkingDays(WIB, wib('2026-03-06T15:00'), 1), wib('2026-03-07T12:00'), 'P1D from Friday lands on the extra Saturday, clamped to its closing');
  t.same(dueAt(WIB, wib('2026-03-02T10:00'), 'PT8H'), wib('2026-03-03T11:00'), 'a standard in hours spans the shorter days');
  t.throws(() => workingTimeBetween({ ...WIB, periods: [RAMADAN, { ...RAMADAN, from: '2026-03-19', to: '2026-03-20' }] }, wib('2026-03-02T00:00'), wib('2026-03-03T00:00')), /overlaps/);
  t.throws(() => workingTimeBetween({ ...WIB, periods: [{ ...RAMADAN, from: '2026-03-20', to: '2026-03-19' }] }, wib('2026-03-02T00:00'), wib('2026-03-03T00:00')), /before it starts/);
  t.throws(() => workingTimeBetween({ ...WIB, holidays: [{ date: '2026-03-05', name: 'x' }] }, wib('2026-03-02T00:00'), wib('2026-03-03T00:00')), /listed twice/);
});

t.test('the number of look-ups does not grow with the span', async (t) => {
  const cal: WorkingCalendar = { ...WIB, holidays: Array.from({ length: 300 }, (_, i) => ({ date: new Date(Date.UTC(2026, 0, 1) + i * 7 * DAY + 6 * DAY).toISOString().slice(0, 10), name: `libur ${i}` })) };
  const start = wib('2026-01-05T10:00');
  const cost = (fn: () => unknown): number => {
    const before = lookupCount();
    fn();
    return lookupCount() - before;
  };
  const spans = [2 * DAY, 30 * DAY, 365 * DAY, 100 * 365 * DAY, 170 * 365 * DAY];
  const between = spans.map((ms) => cost(() => workingTimeBetween(cal, start, new Date(start.getTime() + ms))));
  t.ok(between.every((c) => c === between[0]), `workingTimeBetween: ${between.join(', ')} look-ups`);
  const amounts = [9 * HOUR, 100 * HOUR, 2000 * HOUR, 8760 * HOUR];
  const adds = amounts.map((ms) => cost(() => addWorkingTime(cal, start, ms)));
  t.ok(Math.max(...adds) - Math.min(...adds) <= 1 && Math.max(...adds) <= 25, `addWorkingTime: ${adds.join(', ')} look-ups`);
  const days = [1, 20, 365, 20_000].map((n) => cost(() => addWorkingDays(cal, start, n)));
  t.ok(Math.max(...days) - Math.min(...days) <= 1 && Math.max(...days) <= 25, `addWorkingDays: ${days.join(', ')} look-ups`);
  const far = cost(() => workingTimeBetween(cal, new Date('0000-01-01T00:00:00Z'), start));
  t.equal(far, between[0], 'a date two millennia back costs what a day does');
});

// ---- properties: the arithmetic against a day-by-day walk of the same data ----

interface World {
  cal: WorkingCalendar;
  offsetHours: number;
  hoursOf: (day: number) => Array<[number, number]>;
}

const BASE_DAY = Date.UTC(2026, 0, 1) / DAY;
const isoDay = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);
const toMinute = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
const minutesOf = (ivs: readonly OfficeInterval[]): Array<[number, number]> => ivs.map((iv) => [toMinute(iv.start), toMinute(iv.end)]);
const weekday = (day: number): number => ((day + 3) % 7) + 1;

const intervalArb = fc.constantFrom<OfficeInterval[]>([{ start: '08:00', end: '15:00' }], [{ start: '07:30', end: '12:00' }], [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '15:30' }], []);
const SPAN = 3 * 365;

const worldArb: fc.Arbitrary<World> = fc
  .record({
    zone: fc.constantFrom(['wib', 7] as const, ['wita', 8] as const, ['wit', 9] as const),
    holidays: fc.uniqueArray(fc.integer({ min: 0, max: SPAN }), { maxLength: 40 }),
    days: fc.uniqueArray(fc.record({ day: fc.integer({ min: 0, max: SPAN }), hours: intervalArb }), { maxLength: 10, selector: (d) => d.day }),
    periods: fc.array(fc.record({ start: fc.integer({ min: 0, max: SPAN }), length: fc.integer({ min: 1, max: 40 }), mon: intervalArb, fri: intervalArb }), { maxLength: 3 }),
  })
  .map(({ zone, holidays, days, periods }) => {
    const dated = days.filter((d) => !holidays.includes(d.day));
    const sorted = [...periods].sort((a, b) => a.start - b.start);
    const kept: typeof periods = [];
    for (const p of sorted) if (!kept.some((k) => p.start <= k.start + k.length - 1)) kept.push(p);
    const base = defaultCalendar(zone[0]);
    const cal: WorkingCalendar = {
      ...base,
      holidays: holidays.map((d) => ({ date: isoDay(BASE_DAY + d), name: 'libur' })),
      days: dated.map((d) => ({ date: isoDay(BASE_DAY + d.day), name: 'hari khusus', hours: d.hours })),
      periods: kept.map((p) => ({ from: isoDay(BASE_DAY + p.start), to: isoDay(BASE_DAY + p.start + p.length - 1), name: 'periode', hours: { 1: p.mon, 5: p.fri } })),
    };
    const hoursOf = (day: number): Array<[number, number]> => {
      const rel = day - BASE_DAY;
      if (holidays.includes(rel)) return [];
      const own = dated.find((d) => d.day === rel);
      if (own) return minutesOf(own.hours);
      const wd = weekday(day) as 1;
      const period = kept.find((p) => rel >= p.start && rel < p.start + p.length);
      const periodHours = period ? ({ 1: period.mon, 5: period.fri } as Record<number, OfficeInterval[]>)[wd] : undefined;
      return minutesOf(periodHours ?? base.hours[wd]);
    };
    return { cal, offsetHours: zone[1], hoursOf };
  });

/** Working ms in [a, b) by walking every local day between them. */
function oracleBetween(w: World, a: number, b: number): number {
  let sum = 0;
  const wa = a + w.offsetHours * HOUR;
  const wb = b + w.offsetHours * HOUR;
  for (let day = Math.floor(wa / DAY); day * DAY < wb; day++) {
    for (const [s, e] of w.hoursOf(day)) sum += Math.max(0, Math.min(day * DAY + e * MIN, wb) - Math.max(day * DAY + s * MIN, wa));
  }
  return sum;
}

/** The n-th day after `day` with office hours, by walking. */
function oracleNthWorkingDay(w: World, day: number, n: number): number {
  let d = day;
  for (let counted = 0; counted < n; ) if (w.hoursOf(++d).length > 0) counted++;
  return d;
}

const instantArb = fc.integer({ min: 0, max: SPAN * 24 * 60 }).map((m) => new Date(BASE_DAY * DAY + m * MIN));
const runs = { numRuns: 150 };

t.test('property: working time between two instants equals the day-by-day walk, over spans of years', async (t) => {
  fc.assert(
    fc.property(worldArb, instantArb, instantArb, (w, x, y) => {
      const [a, b] = x <= y ? [x, y] : [y, x];
      return workingTimeBetween(w.cal, a, b) === oracleBetween(w, a.getTime(), b.getTime());
    }),
    runs,
  );
  t.pass('holds');
});

t.test('property: adding working time then measuring gives it back, ending inside office time', async (t) => {
  fc.assert(
    fc.property(worldArb, instantArb, fc.integer({ min: 1, max: 2000 * 60 }), (w, start, minutes) => {
      const ms = minutes * MIN;
      const end = addWorkingTime(w.cal, start, ms);
      const wall = end.getTime() + w.offsetHours * HOUR - 1;
      const day = Math.floor(wall / DAY);
      const inOffice = w.hoursOf(day).some(([s, e]) => wall - day * DAY >= s * MIN && wall - day * DAY < e * MIN);
      return oracleBetween(w, start.getTime(), end.getTime()) === ms && inOffice;
    }),
    runs,
  );
  t.pass('holds');
});

t.test('property: addWorkingDays lands on the n-th day with office hours, and openings agree with the walk', async (t) => {
  fc.assert(
    fc.property(worldArb, instantArb, fc.integer({ min: 1, max: 300 }), (w, start, n) => {
      const opening = nextOpening(w.cal, start);
      const openingDay = Math.floor((opening.getTime() + w.offsetHours * HOUR) / DAY);
      const due = addWorkingDays(w.cal, start, n);
      const dueDay = Math.floor((due.getTime() + w.offsetHours * HOUR - 1) / DAY);
      return dueDay === oracleNthWorkingDay(w, openingDay, n) && oracleBetween(w, start.getTime(), opening.getTime()) === 0 && isWorkingInstant(w.cal, opening);
    }),
    runs,
  );
  t.pass('holds');
});
