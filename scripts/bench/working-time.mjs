// `node scripts/bench/working-time.mjs` (after `npm run build`): the cost of one due date and standard (dueAt +
// standardMs) on the wib calendar with the 2026 holidays, per time standard, in microseconds. The tests count the
// arithmetic's look-ups (test/sop/working-calendar-overrides.test.ts); this script gives the timings beside them.
import { dueAt, standardMs } from '../../dist/src/sop/time-standard.js';
import { defaultCalendar, freezeCalendar } from '../../dist/src/sop/working-calendar.js';
import { shippedHolidays } from '../../dist/src/sop/calendar-store.js';

const calendar = freezeCalendar({ ...defaultCalendar('wib'), holidays: shippedHolidays() });
const STANDARDS = ['PT15M', 'PT8H', 'P1D', 'P5D', 'P20D', 'P365D', 'PT8760H'];
const N = Number(process.argv[2] ?? 20_000);

function measure(iso) {
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    // Starts spread over a week of 2026, in and out of office hours.
    const start = new Date(Date.UTC(2026, 2, 2, 0) + (i % 700) * 863_000);
    sink += dueAt(calendar, start, iso).getTime() + standardMs(calendar, start, iso);
  }
  if (sink === 0) throw new Error('nothing computed');
  return Number(process.hrtime.bigint() - t0) / 1000 / N;
}

for (const iso of STANDARDS) measure(iso); // warm-up
console.log('| standard | µs per due date and standard |\n|---|---|');
for (const iso of STANDARDS) console.log(`| ${iso} | ${measure(iso).toFixed(1)} |`);
