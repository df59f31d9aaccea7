// A date that does not exist (30 February) is refused naming the field, where Date.parse would roll it over.
import t from 'tap';
import { parseIsoDateTime } from '../../src/sop/date-window.js';
import { oneTaskDiagram } from '../helpers/one-task-diagram.js';
import { ADMIN_TOKEN, startApp, tempDir } from '../helpers/app.js';

t.test('days that exist, and days Date.parse would roll over', async (t) => {
  const isDay = (day: string) => parseIsoDateTime(`${day}T00:00:00Z`) !== undefined;
  for (const day of ['2026-01-31', '2028-02-29', '2000-02-29', '0001-01-01', '9999-12-31']) t.ok(isDay(day), day);
  for (const day of ['2026-02-30', '2026-02-29', '1900-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-1-1', 'x']) t.notOk(isDay(day), day);
  t.equal(parseIsoDateTime('2026-03-02T09:00:00+07:00'), Date.parse('2026-03-02T02:00:00Z'));
  t.equal(parseIsoDateTime('2026-02-30T09:00:00Z'), undefined);
  t.equal(parseIsoDateTime('2026-03-02T25:00:00Z'), undefined);
  t.equal(parseIsoDateTime('2026-03-02 09:00'), undefined);
});

t.test('form fields, delegations and holidays refuse 2026-02-30', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const deployed = await app.call('POST', '/definitions', ADMIN_TOKEN, oneTaskDiagram({ field: 'jadwal', fieldType: 'datetime' }), { 'content-type': 'application/xml' });
  t.equal(deployed.statusCode, 201, deployed.body);
  const staff = await app.user(['uji/staf']);
  const other = await app.user(['uji/staf']);
  const id = (await app.call('POST', '/definitions/uji-satu/instances', staff.token, {})).json().id as string;
  const task = (await app.call('GET', `/tasks?instanceId=${id}`, staff.token)).json().items[0];
  const impossible = await app.call('POST', `/tasks/${task.id}/complete`, staff.token, { variables: { jadwal: '2026-02-30T09:00:00+07:00' } });
  t.match(impossible.json(), { statusCode: 422, code: 'SOP_ERR_INVALID_FORM', details: { fields: [{ name: 'jadwal' }] } }, impossible.body);
  const real = await app.call('POST', `/tasks/${task.id}/complete`, staff.token, { variables: { jadwal: '2026-03-02T09:00:00+07:00' } });
  t.equal(real.statusCode, 200, real.body);
  t.equal(real.json().variables.jadwal, '2026-03-02T02:00:00.000Z');

  const delegation = { to: other.id, role: 'uji/staf', from: '2026-02-30T00:00:00Z', until: '2026-03-10T00:00:00Z', reason: 'cuti' };
  const d = await app.call('POST', '/delegations', staff.token, delegation);
  t.match(d.json(), { statusCode: 400, details: { fields: [{ name: 'from' }] } }, d.body);
  const okDelegation = await app.call('POST', '/delegations', staff.token, { ...delegation, from: '2026-03-02T00:00:00Z' });
  t.equal(okDelegation.statusCode, 201, okDelegation.body);

  const holiday = await app.call('PUT', '/calendars/wib', ADMIN_TOKEN, { holidays: [{ date: '2026-02-30', name: 'Libur yang tidak ada' }] });
  t.match(holiday.json(), { statusCode: 400, details: { fields: [{ name: 'holidays.0.date' }] } }, holiday.body);
});
