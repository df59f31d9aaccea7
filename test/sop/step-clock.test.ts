// The date window at run time: a step whose startsAt reads a date a user may not set, or whose standard is longer than
// a year (a version deployed before the check), is refused naming the field or the element; the window's edges.
import t from 'tap';
import { ActivityFailedError, InvalidFormError } from '../../src/errors.js';
import { latestUserInstant, parseIsoDateTime, storedInstant } from '../../src/sop/date-window.js';
import { planStep } from '../../src/sop/step-clock.js';
import type { SopStep } from '../../src/sop/sop-metadata.js';
import { defaultCalendar } from '../../src/sop/working-calendar.js';

const WIB = defaultCalendar('wib');
const now = new Date('2026-03-02T02:00:00Z');
const step = (patch: Partial<SopStep>): SopStep =>
  ({ elementId: 'sesi', no: '2', activity: 'Sesi', role: null, roleName: null, initiator: false, requires: [], output: [], timeStandard: { text: '1 Jam', iso: 'PT1H' }, confidential: false, startsAt: 'jadwal', note: null, form: [], ...patch }) as SopStep;

t.test('planStep refuses what the deploy and form checks would have refused', async (t) => {
  t.throws(() => planStep(WIB, step({}), now, { jadwal: '0000-01-01T00:00:00Z' }), InvalidFormError, 'a far scheduled time, e.g. from a parent case');
  t.match(
    (() => {
      try {
        planStep(WIB, step({}), now, { jadwal: '2040-01-01T00:00:00Z' });
      } catch (err) {
        return (err as InvalidFormError).details;
      }
    })(),
    { fields: [{ name: 'jadwal', message: /5 years ahead/ }] },
  );
  t.throws(() => planStep(WIB, step({ timeStandard: { text: '400 hari', iso: 'P400D' } }), now, {}), ActivityFailedError, 'a standard over a year');
  t.same(planStep(WIB, step({}), now, { jadwal: 'besok pagi' }).startsAt, null, 'text that is no date-time: the clock starts at creation');
  t.same(planStep(WIB, step({}), now, { jadwal: '2026-03-03T09:00:00+07:00' }).dueAt, new Date('2026-03-03T10:00:00+07:00'));
});

t.test('the window: impossible days, leap days, its edges', async (t) => {
  t.equal(parseIsoDateTime('2026-02-30T09:00:00Z'), undefined, '30 February');
  t.equal(parseIsoDateTime('2026-02-29T09:00:00Z'), undefined, 'no leap day in 2026');
  t.equal(parseIsoDateTime('2028-02-29T09:00:00Z'), Date.parse('2028-02-29T09:00:00Z'));
  t.equal(parseIsoDateTime('2026-13-01T09:00:00Z'), undefined);
  t.equal(new Date(latestUserInstant(new Date('2028-02-29T10:00:00Z'))).toISOString(), '2033-02-28T10:00:00.000Z', 'five years after a leap day');
  t.equal(storedInstant(new Date('2199-12-31T23:59:59.999Z')), '2199-12-31T23:59:59.999Z');
  t.throws(() => storedInstant(new Date('2200-01-01T00:00:00Z')), RangeError);
  t.throws(() => storedInstant(new Date(Number.NaN)), RangeError);
});
