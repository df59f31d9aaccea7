// Working-time arithmetic: the DESIGN examples in WIB and WITA, boundary choices, and properties over synthetic holidays.
import t from 'tap';
import fc from 'fast-check';
import {
  addWorkingDays,
  addWorkingTime,
  defaultCalendar,
  isWorkingInstant,
  nextOpening,
  workingTimeBetween,
  type WorkingCalendar,
} from '../../src/sop/working-calendar.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

// Explicit offsets keep each example readable as the local office clock (Indonesia has no DST).
const wib = (local: string): Date => new Date(`${local}:00+07:00`);
const wita = (local: string): Date => new Date(`${local}:00+08:00`);

const WIB = defaultCalendar('wib');
const WITA = defaultCalendar('wita');
const withHolidays = (cal: WorkingCalendar, ...dates: string[]): WorkingCalendar => ({
  ...cal,
  holidays: dates.map((date) => ({ date, name: `libur sintetis ${date}` })),
});
const withLunch = (cal: WorkingCalendar): WorkingCalendar => ({
  ...cal,
  hours: { ...cal.hours, 1: [{ start: '07:30', end: '12:00' }, { start: '13:00', end: '16:00' }] },
});

// 2026-01-05 is a Monday; 2026-01-09 a Friday.
t.test('defaultCalendar', async (t) => {
  t.equal(WIB.timeZone, 'Asia/Jakarta');
  t.equal(WITA.timeZone, 'Asia/Makassar');
  t.equal(defaultCalendar('WITA').timeZone, 'Asia/Makassar', 'the id is read case-insensitively');
  t.equal(defaultCalendar('wit').timeZone, 'Asia/Jayapura');
  t.equal(defaultCalendar('kantor-x').timeZone, 'Asia/Jakarta', 'an unknown id falls back to WIB');
  t.equal(defaultCalendar('wib', 'Asia/Makassar').timeZone, 'Asia/Makassar', 'an explicit zone wins');
  t.same(WIB.hours[1], [{ start: '07:30', end: '16:00' }]);
  t.same(WIB.hours[4], [{ start: '07:30', end: '16:00' }]);
  t.same(WIB.hours[5], [{ start: '07:30', end: '16:30' }]);
  t.same([WIB.hours[6], WIB.hours[7], WIB.holidays], [[], [], []]);
});

t.test('isWorkingInstant: opening counts, closing does not', async (t) => {
  t.equal(isWorkingInstant(WIB, wib('2026-01-05T07:30')), true);
  t.equal(isWorkingInstant(WIB, wib('2026-01-05T07:29')), false);
  t.equal(isWorkingInstant(WIB, wib('2026-01-05T15:59')), true);
  t.equal(isWorkingInstant(WIB, wib('2026-01-05T16:00')), false);
  t.equal(isWorkingInstant(WIB, wib('2026-01-09T16:15')), true, 'Friday closes at 16:30');
  t.equal(isWorkingInstant(WIB, wib('2026-01-10T10:00')), false, 'Saturday');
  t.equal(isWorkingInstant(withHolidays(WIB, '2026-01-05'), wib('2026-01-05T10:00')), false, 'holiday');
  t.equal(isWorkingInstant(withLunch(WIB), wib('2026-01-05T12:30')), false, 'lunch break');
  t.equal(isWorkingInstant(WITA, wita('2026-01-05T07:30')), true);
  t.equal(isWorkingInstant(WITA, wib('2026-01-05T07:00')), true, '07:00 WIB is 08:00 WITA');
});

t.test('nextOpening', async (t) => {
  t.same(nextOpening(WIB, wib('2026-01-05T10:00')), wib('2026-01-05T10:00'), 'inside office hours: itself');
  t.same(nextOpening(WIB, wib('2026-01-05T06:00')), wib('2026-01-05T07:30'));
  t.same(nextOpening(WIB, wib('2026-01-09T16:30')), wib('2026-01-12T07:30'), 'Friday closing → Monday');
  t.same(nextOpening(withHolidays(WIB, '2026-01-12'), wib('2026-01-10T09:00')), wib('2026-01-13T07:30'), 'skips a holiday Monday');
  t.same(nextOpening(withLunch(WIB), wib('2026-01-05T12:00')), wib('2026-01-05T13:00'));
  t.same(nextOpening(WITA, wita('2026-01-10T09:00')), wita('2026-01-12T07:30'));
});

t.test('addWorkingTime', async (t) => {
  t.same(addWorkingTime(WIB, wib('2026-01-05T15:55'), 15 * MIN), wib('2026-01-06T07:40'), 'DESIGN: Mon 15:55 + 15 min = Tue 07:40 (WIB)');
  t.same(addWorkingTime(WITA, wita('2026-01-05T15:55'), 15 * MIN), wita('2026-01-06T07:40'), 'the same on the WITA office clock');
  t.same(addWorkingTime(WIB, wib('2026-01-09T16:20'), 15 * MIN), wib('2026-01-12T07:35'), 'over the weekend');
  t.same(addWorkingTime(WIB, wib('2026-01-05T15:45'), 15 * MIN), wib('2026-01-05T16:00'), 'due exactly at closing stays at closing');
  t.same(addWorkingTime(WIB, wib('2026-01-10T09:00'), 10 * MIN), wib('2026-01-12T07:40'), 'a weekend start counts from Monday opening');
  t.same(addWorkingTime(WIB, wib('2026-01-10T09:00'), 0), wib('2026-01-10T09:00'), 'adding 0 never moves the start');
  t.same(addWorkingTime(WIB, wib('2026-01-05T16:00'), 0), wib('2026-01-05T16:00'), 'adding 0 at closing stays at closing');
  t.same(addWorkingTime(withLunch(WIB), wib('2026-01-05T11:50'), 20 * MIN), wib('2026-01-05T13:10'), 'the lunch break is not working time');
  t.same(addWorkingTime(withHolidays(WIB, '2026-01-06'), wib('2026-01-05T15:55'), 15 * MIN), wib('2026-01-07T07:40'), 'a holiday Tuesday is skipped');
  t.same(addWorkingTime(WIB, wib('2026-01-05T07:30'), 5 * 8.5 * HOUR), wib('2026-01-09T16:00'), 'whole days land on the closing instant');
  t.throws(() => addWorkingTime(WIB, wib('2026-01-05T10:00'), -1), RangeError);
  t.throws(() => addWorkingTime(WIB, wib('2026-01-05T10:00'), Number.NaN), RangeError);
  t.throws(() => addWorkingTime(WIB, new Date('not a date'), MIN), RangeError);
});

t.test('workingTimeBetween', async (t) => {
  t.equal(workingTimeBetween(WIB, wib('2026-01-05T10:00'), wib('2026-01-05T10:00')), 0, 'empty');
  t.equal(workingTimeBetween(WIB, wib('2026-01-05T11:00'), wib('2026-01-05T10:00')), 0, 'b before a');
  t.equal(workingTimeBetween(WIB, wib('2026-01-05T06:00'), wib('2026-01-05T20:00')), 8.5 * HOUR, 'a whole Monday');
  t.equal(workingTimeBetween(WIB, wib('2026-01-09T16:00'), wib('2026-01-12T08:00')), HOUR, 'a step spanning a weekend counts no weekend minutes');
  t.equal(workingTimeBetween(WITA, wita('2026-01-09T16:00'), wita('2026-01-12T08:00')), HOUR, 'the same in WITA');
  t.equal(workingTimeBetween(WIB, wita('2026-01-09T17:00'), wita('2026-01-12T09:00')), HOUR, 'the calendar reads its own zone, whatever zone wrote the instants');
  t.equal(workingTimeBetween(withLunch(WIB), wib('2026-01-05T11:00'), wib('2026-01-05T14:00')), 2 * HOUR);
  t.equal(workingTimeBetween(withHolidays(WIB, '2026-01-06'), wib('2026-01-05T15:00'), wib('2026-01-07T08:30')), 2 * HOUR, 'no holiday time');
  t.equal(workingTimeBetween(WIB, wib('2026-01-05T15:50'), wib('2026-01-06T07:40')), 20 * MIN, '20 working minutes overnight');

  // 2025: Jan 1 is a Wednesday, so 209 Mon–Thu days of 8.5 h and 52 Fridays of 9 h.
  const started = performance.now();
  t.equal(workingTimeBetween(WIB, wib('2025-01-01T00:00'), wib('2026-01-01T00:00')), (209 * 8.5 + 52 * 9) * HOUR, 'a whole year');
  t.ok(performance.now() - started < 1000, 'a year is walked per day, not per minute');
  t.equal(
    workingTimeBetween(withHolidays(WIB, '2025-01-01', '2025-12-25', '2025-08-17'), wib('2025-01-01T00:00'), wib('2026-01-01T00:00')),
    (207 * 8.5 + 52 * 9) * HOUR,
    'two weekday holidays off the year (17 Aug 2025 is a Sunday)',
  );

  // A decade walks more office boundaries than the module keeps zone offsets for, so this also crosses a cache reset.
  const WIT = defaultCalendar('wit');
  const wit = (local: string): Date => new Date(`${local}:00+09:00`);
  const years = Array.from({ length: 11 }, (_, i) => wit(`${2030 + i}-01-01T00:00`));
  const decade = workingTimeBetween(WIT, years[0] as Date, years[10] as Date);
  const summed = years.slice(0, 10).reduce((sum, from, i) => sum + workingTimeBetween(WIT, from, years[i + 1] as Date), 0);
  t.equal(decade, summed, 'a decade is the sum of its years');
  t.ok(decade > 10 * 2200 * HOUR && decade < 10 * 2300 * HOUR, 'about 2,240 office hours a year');
});

t.test('addWorkingDays', async (t) => {
  t.same(addWorkingDays(WITA, wita('2026-01-09T15:30'), 1), wita('2026-01-12T15:30'), 'DESIGN: Fri 15:30 + 1 hari = Mon 15:30 (WITA)');
  t.same(addWorkingDays(WIB, wib('2026-01-09T15:30'), 1), wib('2026-01-12T15:30'), 'the same in WIB');
  t.same(
    addWorkingDays(withHolidays(WITA, '2026-01-12'), wita('2026-01-09T15:30'), 1),
    wita('2026-01-13T15:30'),
    'a holiday on that Monday moves it to Tuesday',
  );
  t.same(addWorkingDays(WIB, wib('2026-01-05T10:00'), 5), wib('2026-01-12T10:00'), 'five working days is a calendar week');
  t.same(addWorkingDays(WIB, wib('2026-01-09T16:20'), 1), wib('2026-01-12T16:00'), 'Friday 16:20 has no Monday twin: clamped to closing');
  t.same(addWorkingDays(WIB, wib('2026-01-10T09:00'), 1), wib('2026-01-13T07:30'), 'a Saturday start counts from Monday opening');
  t.same(addWorkingDays(WIB, wib('2026-01-05T17:00'), 0), wib('2026-01-06T07:30'), 'zero days: the normalised start');
  t.same(addWorkingDays(WIB, wib('2026-01-05T10:00'), 0), wib('2026-01-05T10:00'));
  t.same(
    addWorkingDays(withHolidays(WIB, '2026-01-01'), wib('2025-12-31T15:30'), 1),
    wib('2026-01-02T15:30'),
    'year boundary: Dec 31 + 1 hari over a New Year holiday = Jan 2',
  );
  t.same(
    addWorkingTime(withHolidays(WIB, '2026-01-01'), wib('2025-12-31T15:55'), 15 * MIN),
    wib('2026-01-02T07:40'),
    'year boundary in minutes',
  );

  const lunchMonday = withLunch(WIB);
  t.same(addWorkingDays(lunchMonday, wib('2026-01-09T12:30'), 1), wib('2026-01-12T12:00'), 'a clock time in the lunch break clamps back to 12:00');
  const lateMonday: WorkingCalendar = { ...WIB, hours: { ...WIB.hours, 1: [{ start: '08:00', end: '16:00' }] } };
  t.same(addWorkingDays(lateMonday, wib('2026-01-09T07:45'), 1), wib('2026-01-12T08:00'), 'before the target day opens: its opening');

  t.throws(() => addWorkingDays(WIB, wib('2026-01-05T10:00'), -1), RangeError);
  t.throws(() => addWorkingDays(WIB, wib('2026-01-05T10:00'), 1.5), RangeError);
});

t.test('calendar data is checked', async (t) => {
  const cal = (patch: Partial<WorkingCalendar>): WorkingCalendar => ({ ...WIB, ...patch });
  const at = wib('2026-01-05T10:00');
  t.throws(() => isWorkingInstant(cal({ timeZone: 'Asia/Atlantis' }), at), RangeError, 'unknown zone');
  t.throws(() => isWorkingInstant(cal({ hours: { ...WIB.hours, 2: [{ start: '7:30', end: '16:00' }] } }), at), RangeError, 'not HH:mm');
  t.throws(() => isWorkingInstant(cal({ hours: { ...WIB.hours, 2: [{ start: '16:00', end: '07:30' }] } }), at), RangeError, 'reversed');
  t.throws(() => isWorkingInstant(cal({ hours: { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] } }), at), RangeError, 'never open');
  t.throws(() => isWorkingInstant(cal({ holidays: [{ date: '2026-1-5', name: 'x' }] }), at), RangeError, 'holiday not YYYY-MM-DD');
  t.throws(() => isWorkingInstant(cal({ holidays: [{ date: '2026-02-30', name: 'x' }] }), at), RangeError, 'holiday not a date');

  const merged = cal({ hours: { ...WIB.hours, 1: [{ start: '12:00', end: '16:00' }, { start: '07:30', end: '12:00' }, { start: '09:00', end: '10:00' }] } });
  t.equal(workingTimeBetween(merged, wib('2026-01-05T00:00'), wib('2026-01-06T00:00')), 8.5 * HOUR, 'overlapping and touching intervals merge');
  const partial = cal({ hours: { 1: [{ start: '07:30', end: '16:00' }] } as unknown as WorkingCalendar['hours'] });
  t.equal(workingTimeBetween(partial, wib('2026-01-05T00:00'), wib('2026-01-12T00:00')), 8.5 * HOUR, 'a weekday missing from data is closed');
  const allNight = cal({ hours: { ...WIB.hours, 6: [{ start: '00:00', end: '24:00' }] } });
  t.equal(workingTimeBetween(allNight, wib('2026-01-10T00:00'), wib('2026-01-11T06:00')), DAY, 'a 24:00 end closes at midnight');
  t.same(addWorkingTime(allNight, wib('2026-01-10T23:00'), HOUR), wib('2026-01-11T00:00'));
});

// ---- properties, over synthetic holidays only ----

const BASE = Date.parse('2026-01-01T00:00:00Z');
const SPAN_DAYS = 60;
const isoDay = (offset: number): string => new Date(BASE + offset * DAY).toISOString().slice(0, 10);

interface World {
  cal: WorkingCalendar;
  offsetHours: number;
  /** Holiday local days, as days since 1970-01-01. */
  holidays: Set<number>;
  /** Office minutes per ISO weekday, read once from the calendar. */
  office: Array<Array<[number, number]>>;
}

const toMinute = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

const worldArb: fc.Arbitrary<World> = fc
  .record({
    zone: fc.constantFrom(['wib', 7] as const, ['wita', 8] as const),
    holidayOffsets: fc.uniqueArray(fc.integer({ min: -2, max: SPAN_DAYS + 20 }), { maxLength: 15 }),
    lunch: fc.boolean(),
  })
  .map(({ zone, holidayOffsets, lunch }) => {
    const base = withHolidays(defaultCalendar(zone[0]), ...holidayOffsets.map(isoDay));
    const cal = lunch ? withLunch(base) : base;
    const office = [0, 1, 2, 3, 4, 5, 6, 7].map((wd) => (cal.hours[wd as 1] ?? []).map((iv): [number, number] => [toMinute(iv.start), toMinute(iv.end)]));
    return { cal, offsetHours: zone[1], holidays: new Set(holidayOffsets.map((o) => BASE / DAY + o)), office };
  });

// Minute-aligned instants, so a per-minute oracle is exact.
const instantArb = fc.integer({ min: 0, max: SPAN_DAYS * 24 * 60 }).map((m) => new Date(BASE + m * MIN));
const amountArb = fc.integer({ min: 0, max: 30 * HOUR });

/** The local day index, weekday and minute of an instant, by plain arithmetic to stay independent of the code under test. */
function local(w: World, t: number): { day: number; weekday: number; minute: number } {
  const wall = t + w.offsetHours * HOUR;
  const day = Math.floor(wall / DAY);
  return { day, weekday: ((day + 3) % 7) + 1, minute: Math.floor((wall - day * DAY) / MIN) };
}

const closedDay = (w: World, t: number): boolean => {
  const l = local(w, t);
  return l.weekday >= 6 || w.holidays.has(l.day);
};

/** Independent oracle: is the minute starting at t office time? */
function oracleWorking(w: World, t: number): boolean {
  if (closedDay(w, t)) return false;
  const { weekday, minute } = local(w, t);
  return (w.office[weekday] ?? []).some(([s, e]) => minute >= s && minute < e);
}

const runs = { numRuns: 200 };

t.test('property: adding then measuring gives the amount back', async (t) => {
  fc.assert(
    fc.property(worldArb, instantArb, amountArb, (w, start, ms) => {
      const end = addWorkingTime(w.cal, start, ms);
      return workingTimeBetween(w.cal, start, end) === ms && end >= start;
    }),
    runs,
  );
  t.pass('holds');
});

t.test('property: addWorkingTime is monotone in the amount and in the start', async (t) => {
  fc.assert(
    fc.property(worldArb, instantArb, amountArb, amountArb, (w, start, x, y) => {
      const [lo, hi] = x <= y ? [x, y] : [y, x];
      return addWorkingTime(w.cal, start, lo) <= addWorkingTime(w.cal, start, hi);
    }),
    runs,
  );
  fc.assert(
    fc.property(worldArb, instantArb, instantArb, amountArb, (w, x, y, ms) => {
      const [lo, hi] = x <= y ? [x, y] : [y, x];
      return addWorkingTime(w.cal, lo, ms) <= addWorkingTime(w.cal, hi, ms);
    }),
    runs,
  );
  t.pass('holds');
});

t.test('property: workingTimeBetween is additive', async (t) => {
  fc.assert(
    fc.property(worldArb, fc.array(instantArb, { minLength: 3, maxLength: 3 }), (w, points) => {
      const [a, b, c] = points.sort((p, q) => p.getTime() - q.getTime()) as [Date, Date, Date];
      return workingTimeBetween(w.cal, a, c) === workingTimeBetween(w.cal, a, b) + workingTimeBetween(w.cal, b, c);
    }),
    runs,
  );
  t.pass('holds');
});

t.test('property: only office minutes count, never weekend or holiday ones', async (t) => {
  const shortSpan = fc.integer({ min: 0, max: 3 * 24 * 60 });
  fc.assert(
    fc.property(worldArb, instantArb, shortSpan, (w, a, minutes) => {
      let expected = 0;
      for (let i = 0; i < minutes; i++) if (oracleWorking(w, a.getTime() + i * MIN)) expected += MIN;
      return workingTimeBetween(w.cal, a, new Date(a.getTime() + minutes * MIN)) === expected;
    }),
    { numRuns: 100 },
  );
  fc.assert(
    fc.property(worldArb, instantArb, (w, at) => {
      if (!closedDay(w, at.getTime())) return isWorkingInstant(w.cal, at) === oracleWorking(w, at.getTime());
      const dayStart = new Date(at.getTime() - local(w, at.getTime()).minute * MIN);
      return !isWorkingInstant(w.cal, at) && workingTimeBetween(w.cal, dayStart, new Date(dayStart.getTime() + DAY)) === 0;
    }),
    runs,
  );
  fc.assert(
    fc.property(worldArb, (w) =>
      [...w.holidays].every((date) => {
        const start = new Date(date * DAY - w.offsetHours * HOUR);
        return workingTimeBetween(w.cal, start, new Date(start.getTime() + DAY)) === 0;
      }),
    ),
    runs,
  );
  t.pass('holds');
});

t.test('property: a positive amount ends just after office time, never on a weekend or holiday', async (t) => {
  fc.assert(
    fc.property(worldArb, instantArb, fc.integer({ min: 1, max: 30 * HOUR }), (w, start, ms) => {
      const end = addWorkingTime(w.cal, start, ms).getTime();
      return !closedDay(w, end - 1) && isWorkingInstant(w.cal, new Date(end - 1)) && !closedDay(w, end);
    }),
    runs,
  );
  t.pass('holds');
});

t.test('property: addWorkingDays lands on a working day at or after the start', async (t) => {
  fc.assert(
    fc.property(worldArb, instantArb, fc.integer({ min: 1, max: 10 }), (w, start, n) => {
      const due = addWorkingDays(w.cal, start, n);
      const opening = nextOpening(w.cal, start);
      const previous = addWorkingDays(w.cal, start, n - 1);
      return due > opening && due > previous && !closedDay(w, due.getTime()) && workingTimeBetween(w.cal, opening, due) > 0;
    }),
    runs,
  );
  t.pass('holds');
});
