// Time standards: reading the SOP sheet's waktu text and ISO durations, and turning them into due times in working time.
import t from 'tap';
import fc from 'fast-check';
import { dueAt, parseIsoDuration, parseWaktu, standardMs } from '../../src/sop/time-standard.js';
import { addWorkingTime, defaultCalendar, workingTimeBetween, type WorkingCalendar } from '../../src/sop/working-calendar.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

const wib = (local: string): Date => new Date(`${local}:00+07:00`);
const wita = (local: string): Date => new Date(`${local}:00+08:00`);
const WIB = defaultCalendar('wib');
const WITA = defaultCalendar('wita');

t.test('parseWaktu reads the sheet texts', async (t) => {
  const cases: Array<[string, string]> = [
    ['5 Menit', 'PT5M'],
    ['15 Menit', 'PT15M'],
    ['30 menit', 'PT30M'],
    ['60 menit', 'PT1H'],
    ['90 menit', 'PT1H30M'],
    ['1 Jam', 'PT1H'],
    ['2 jam', 'PT2H'],
    ['30 detik', 'PT30S'],
    ['1 Hari', 'P1D'],
    ['1 (satu) hari', 'P1D'],
    ['3 hari kerja', 'P3D'],
    ['1-2 hari', 'P2D'],
    ['4-5 Hari', 'P5D'],
    ['4 – 5 hari', 'P5D'],
    ['1 s.d. 2 hari', 'P2D'],
    ['5-4 hari', 'P5D'],
    ['± 15 menit', 'PT15M'],
    ['maks. 2 jam', 'PT2H'],
    ['paling lama 3 hari kerja', 'P3D'],
    ['  10   MENIT ', 'PT10M'],
  ];
  for (const [text, iso] of cases) t.same(parseWaktu(text), { text: text.trim(), iso }, text);
  t.same(parseWaktu('4-5 Hari'), { text: '4-5 Hari', iso: 'P5D' }, 'a range keeps its text');
});

t.test('parseWaktu leaves what it cannot read to the caller', async (t) => {
  for (const text of ['', '   ', 'segera', '1 jam 30 menit', '1 minggu', '2 bulan', '0 menit', '1,5 jam', 'jam 10']) {
    t.equal(parseWaktu(text), null, JSON.stringify(text));
  }
});

t.test('parseIsoDuration', async (t) => {
  t.same(parseIsoDuration('P1D'), { days: 1, ms: 0 });
  t.same(parseIsoDuration('PT1H'), { days: 0, ms: HOUR });
  t.same(parseIsoDuration('PT30M'), { days: 0, ms: 30 * MIN });
  t.same(parseIsoDuration('PT45S'), { days: 0, ms: 45_000 });
  t.same(parseIsoDuration('P1DT2H'), { days: 1, ms: 2 * HOUR });
  t.same(parseIsoDuration('P2DT1H30M15S'), { days: 2, ms: HOUR + 30 * MIN + 15_000 });
  t.same(parseIsoDuration('PT24H'), { days: 0, ms: 24 * HOUR }, 'hours stay working hours, not days');
  t.same(parseIsoDuration('P0D'), { days: 0, ms: 0 });
  for (const iso of ['P1W', 'P1M', 'P1Y', 'P1Y2M', 'P', 'PT', 'P1DT', 'PT1.5H', '-P1D', 'p1d', '', 'PT1H2D']) {
    t.equal(parseIsoDuration(iso), undefined, `rejects ${JSON.stringify(iso)}`);
  }
});

t.test('dueAt and standardMs', async (t) => {
  t.same(dueAt(WIB, wib('2026-01-05T15:55'), 'PT15M'), wib('2026-01-06T07:40'), 'Mon 15:55 + 15 min = Tue 07:40');
  t.equal(standardMs(WIB, wib('2026-01-05T15:55'), 'PT15M'), 15 * MIN);
  t.same(dueAt(WITA, wita('2026-01-09T15:30'), 'P1D'), wita('2026-01-12T15:30'), 'Fri 15:30 + 1 hari = Mon 15:30 (WITA)');
  t.equal(standardMs(WITA, wita('2026-01-09T15:30'), 'P1D'), 9 * HOUR, 'one hour of Friday and eight of Monday');
  const holiday: WorkingCalendar = { ...WITA, holidays: [{ date: '2026-01-12', name: 'libur sintetis' }] };
  t.same(dueAt(holiday, wita('2026-01-09T15:30'), 'P1D'), wita('2026-01-13T15:30'), 'a holiday Monday moves it to Tuesday');
  t.same(dueAt(WIB, wib('2026-01-09T15:30'), 'P1DT1H'), wib('2026-01-13T08:00'), 'days first (Mon 15:30), then one working hour: Tue 08:00');
  t.same(dueAt(WIB, wib('2026-01-10T09:00'), 'P0D'), wib('2026-01-10T09:00'), 'a zero standard is due at the clock start');
  t.equal(standardMs(WIB, wib('2026-01-10T09:00'), 'PT0S'), 0);
  t.throws(() => dueAt(WIB, wib('2026-01-05T10:00'), 'P1W'), RangeError);

  // The audit comparison: 20 working minutes against a 15-minute standard is late, on either office clock.
  for (const [cal, at] of [[WIB, wib], [WITA, wita]] as const) {
    const start = at('2026-01-05T15:50');
    const actual = workingTimeBetween(cal, start, at('2026-01-06T07:40'));
    t.equal(actual, 20 * MIN);
    t.ok(actual > standardMs(cal, start, 'PT15M'), `${cal.id}: late by ${actual - standardMs(cal, start, 'PT15M')} ms`);
  }
});

const iso = fc
  .record({ d: fc.integer({ min: 0, max: 5 }), h: fc.integer({ min: 0, max: 12 }), m: fc.integer({ min: 0, max: 59 }) })
  .filter(({ d, h, m }) => d + h + m > 0)
  .map(({ d, h, m }) => `P${d ? `${d}D` : ''}${h || m ? `T${h ? `${h}H` : ''}${m ? `${m}M` : ''}` : ''}`);
const instant = fc.integer({ min: 0, max: 60 * 24 * 60 }).map((m) => new Date(Date.parse('2026-01-01T00:00:00Z') + m * MIN));

t.test('property: a time-only standard is exactly that much working time', async (t) => {
  fc.assert(
    fc.property(fc.constantFrom(WIB, WITA), instant, fc.integer({ min: 1, max: 40 * 60 }), (cal, start, minutes) => {
      return standardMs(cal, start, `PT${minutes}M`) === minutes * MIN;
    }),
    { numRuns: 200 },
  );
  t.pass('holds');
});

t.test('property: due times round-trip through parseIsoDuration and never precede the clock start', async (t) => {
  fc.assert(
    fc.property(fc.constantFrom(WIB, WITA), instant, iso, (cal, start, duration) => {
      const parts = parseIsoDuration(duration);
      if (!parts) return false;
      const due = dueAt(cal, start, duration);
      const ms = standardMs(cal, start, duration);
      return due >= start && ms >= parts.ms && ms === workingTimeBetween(cal, start, due) && (parts.days > 0 || due.getTime() === addWorkingTime(cal, start, parts.ms).getTime());
    }),
    { numRuns: 200 },
  );
  t.pass('holds');
});
