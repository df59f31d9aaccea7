// BKN SE 6/2022: sessions only on working days at 09.00-10.00 or 13.00-14.00 WIB, each clocked from its
// scheduled start for 60 minutes, and no fourth meeting offered after the third.
import t from 'tap';
import { DateTime } from 'luxon';
import { startApp, TestClock, type TestApp } from '../helpers/app.js';

const KEY = 'bkn-konseling-karier-kinerja';
const WIB = (local: string) => DateTime.fromISO(local, { zone: 'Asia/Jakarta' }).toISO() as string;

interface Task {
  id: string;
  elementId: string;
  requires: string[];
  output: string[];
  startsAt: string | null;
  dueAt: string | null;
  form: Array<{ name: string; type: string; options?: Array<{ value: string }>; slots?: unknown }>;
}

async function next(app: TestApp, token: string, id: string): Promise<Task> {
  return (await app.call('GET', `/tasks?instanceId=${id}`, token)).json().items[0] as Task;
}

function fill(task: Task, values: Record<string, unknown>) {
  const variables: Record<string, unknown> = {};
  for (const f of task.form) variables[f.name] = values[f.name] ?? (f.type === 'enum' ? f.options?.[0]?.value : f.type === 'datetime' ? WIB('2026-03-04T09:00') : 'uji');
  return { documents: task.requires.map((name) => ({ name })), output: task.output.map((name) => ({ name })), variables };
}

t.test('slots, session clocks and at most three meetings', async (t) => {
  const app = await startApp(t, { clock: new TestClock(new Date(WIB('2026-03-02T09:00'))) });
  const def = (await app.call('GET', `/definitions/${KEY}`, 'test-admin-token-0123456789')).json();
  const u = await app.user(def.roles.map((r: { id: string }) => r.id));
  const id = (await app.call('POST', `/definitions/${KEY}/instances`, u.token, {})).json().id as string;
  const complete = async (values: Record<string, unknown> = {}) => {
    const task = await next(app, u.token, id);
    return { task, res: await app.call('POST', `/tasks/${task.id}/complete`, u.token, fill(task, values)) };
  };

  t.equal((await complete({ jalurMasuk: 'permintaan' })).res.statusCode, 200);
  t.equal((await complete()).res.statusCode, 200, 'forms submitted');

  for (const meeting of [1, 2, 3]) {
    const schedule = await next(app, u.token, id);
    t.equal(schedule.elementId, `schedule-meeting-${meeting}`);
    const field = `jadwalPertemuan${meeting}`;
    t.ok(schedule.form.find((f) => f.name === field)?.slots, 'the form tells the allowed slots');
    for (const [when, why] of [
      ['2026-03-04T11:00', 'outside both slots'],
      ['2026-03-04T10:00', 'the first slot ends at 10.00'],
      ['2026-03-07T09:00', 'a Saturday'],
      ['2026-03-19T09:00', 'Hari Suci Nyepi, a national holiday'],
    ] as const) {
      const res = await app.call('POST', `/tasks/${schedule.id}/complete`, u.token, fill(schedule, { [field]: WIB(when) }));
      t.equal(res.statusCode, 422, why);
      t.match(res.json(), { code: 'SOP_ERR_OUTSIDE_CALENDAR', details: { fields: [{ name: field }] } }, why);
    }
    const at = WIB(`2026-03-0${3 + meeting}T13:00`);
    t.equal((await app.call('POST', `/tasks/${schedule.id}/complete`, u.token, fill(schedule, { [field]: at }))).statusCode, 200);

    const session = await next(app, u.token, id);
    t.equal(session.elementId, `hold-meeting-${meeting}`);
    t.equal(session.startsAt, new Date(at).toISOString(), 'the session is clocked from its scheduled start');
    t.equal(session.dueAt, new Date(new Date(at).getTime() + 60 * 60_000).toISOString(), 'and is due 60 minutes later');
    const more = session.form.find((f) => f.name === `tindakLanjut${meeting}`);
    if (meeting < 3) t.same(more?.options?.map((o) => o.value).sort(), ['lanjut', 'selesai']);
    else t.notOk(more, 'no fourth meeting is offered after the third');
    t.equal((await complete({ [`tindakLanjut${meeting}`]: 'lanjut' })).res.statusCode, 200);
  }
  t.equal((await next(app, u.token, id)).elementId, 'write-result-report');
});
