// The window of dates and durations (DESIGN.md): every input that reaches working-time arithmetic or a stored instant
// is bounded, each refusal a 4xx naming the field; a fuzz over datetime and duration inputs meets no 5xx.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import fc from 'fast-check';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, TestClock, testDatabases, type TestApp } from '../helpers/app.js';

const XML = fs.readFileSync(path.join(FIXTURES, 'scheduled-session.bpmn'), 'utf8');
const KEY = 'uji-sesi-terjadwal';
const WIB = (local: string) => new Date(`${local}+07:00`).toISOString();

async function scheduledApp(t: Parameters<typeof startApp>[0], database: 'sqlite' | 'postgres'): Promise<{ app: TestApp; staff: { token: string } }> {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'scheduled.bpmn'), XML);
  // Monday 2 March 2026, 09:00 WIB.
  const app = await startApp(t, { database, processesDir: dir, clock: new TestClock(new Date(WIB('2026-03-02T09:00:00'))) });
  return { app, staff: await app.user(['uji/staf']) };
}

async function openTask(app: TestApp, token: string, instanceId: string): Promise<{ id: string; elementId: string; startsAt: string | null; dueAt: string | null }> {
  return (await app.call('GET', `/tasks?instanceId=${instanceId}`, token)).json().items[0];
}

async function scheduleTask(app: TestApp, token: string): Promise<string> {
  const started = await app.call('POST', `/definitions/${KEY}/instances`, token, {});
  if (started.statusCode !== 201) throw new Error(started.body);
  return (await openTask(app, token, started.json().id)).id;
}

for (const database of await testDatabases()) {
  t.test(`[${database}] a scheduled time a user may not set is refused naming the field, and never stalls the service`, async (t) => {
    const { app, staff } = await scheduledApp(t, database);
    for (const jadwal of ['0000-01-01T00:00:00Z', '9999-12-31T09:00:00+07:00', '1899-12-31T23:59:59Z', '2031-03-03T09:00:00+07:00']) {
      const task = await scheduleTask(app, staff.token);
      const res = await app.call('POST', `/tasks/${task}/complete`, staff.token, { variables: { jadwal } });
      t.equal(res.statusCode, 422, `${jadwal}: ${res.body}`);
      t.match(res.json(), { code: 'SOP_ERR_INVALID_FORM', details: { fields: [{ name: 'jadwal' }] } });
    }
    t.equal((await app.call('GET', '/health')).statusCode, 200);

    // Five years ahead is the last day a user may set; the session is due one working hour after it.
    const task = await scheduleTask(app, staff.token);
    const ok = await app.call('POST', `/tasks/${task}/complete`, staff.token, { variables: { jadwal: '2031-02-28T09:00:00+07:00' } });
    t.equal(ok.statusCode, 200, ok.body);
    const session = await openTask(app, staff.token, ok.json().instanceId);
    t.equal(session.startsAt, WIB('2031-02-28T09:00:00'));
    t.equal(session.dueAt, WIB('2031-02-28T10:00:00'));

    // A start variable that a later startsAt reads is checked when the case starts.
    const early = await app.call('POST', `/definitions/${KEY}/instances`, staff.token, { variables: { jadwal: '0000-01-01T00:00:00Z' } });
    t.equal(early.statusCode, 400, early.body);
    t.match(early.json(), { code: 'SOP_ERR_VALIDATION', details: { fields: [{ name: 'variables.jadwal' }] } });
  });

  t.test(`[${database}] dates outside 1900–2199 are refused where they are queried or stored`, async (t) => {
    const { app, staff } = await scheduledApp(t, database);
    const report = await app.call('GET', '/audit/report?to=9999-12-31', ADMIN_TOKEN);
    t.equal(report.statusCode, 400, report.body);
    t.match(report.json().details.fields, [{ name: /to/ }]);
    t.equal((await app.call('GET', '/audit/report?from=2199-12-31&to=2199-12-31', ADMIN_TOKEN)).statusCode, 200, 'the last day of the window');
    const exported = await app.call('GET', '/audit/export?format=csv&from=0001-01-01', ADMIN_TOKEN);
    t.equal(exported.statusCode, 400, exported.body);
    t.match(exported.json().details.fields, [{ name: /from/ }]);
    const other = await app.user(['uji/kepala']);
    const delegation = await app.call('POST', '/delegations', staff.token, { to: other.id, role: 'uji/staf', from: '2026-03-02T00:00:00Z', until: '9999-12-31T00:00:00Z', reason: 'cuti' });
    t.equal(delegation.statusCode, 400, delegation.body);
    t.match(delegation.json().details.fields, [{ name: /until/ }]);
  });

  t.test(`[${database}] deploy refuses time standards over a year and sheet dates outside the window`, async (t) => {
    const { app } = await scheduledApp(t, database);
    const owner = await app.user(['owner:uji']);
    const deploy = (xml: string) => app.call('POST', '/definitions', owner.token, xml, { 'content-type': 'application/xml' });
    for (const duration of ['P366D', 'PT8761H', 'PT99999999999999999999H', 'P1Y']) {
      const res = await deploy(XML.replace('duration="PT1H"', `duration="${duration}"`));
      t.equal(res.statusCode, 400, `${duration}: ${res.body}`);
      t.match(res.json(), { code: 'SOP_ERR_INVALID_BPMN', details: { problems: [{ elementId: 'sesi' }] } });
    }
    t.equal((await deploy(XML.replace('duration="PT1H"', 'duration="P365D"'))).statusCode, 201, 'one year is allowed');
    const old = await deploy(XML.replace('effective="2026-01-01"', 'effective="0000-01-01"'));
    t.equal(old.statusCode, 400, old.body);
    t.match(old.json().details.problems, [{ elementId: KEY, message: /effective/ }]);
  });
}

t.test('fuzz: datetime and duration inputs never answer 5xx', async (t) => {
  const { app, staff } = await scheduledApp(t, 'sqlite');
  const owner = await app.user(['owner:uji']);
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const isoLike = fc
    .tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 24 }), fc.constantFrom('Z', '+07:00', '-12:00', '+14:00', ''))
    .map(([y, m, d, h, z]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(h, 2)}:00:00${z}`);
  const datetime = fc.oneof(isoLike, fc.string(), fc.constantFrom('0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '2026-02-30T09:00:00Z', 'Sat, 01 Jan 0001 00:00:00 GMT'));
  await fc.assert(
    fc.asyncProperty(datetime, fc.boolean(), async (value, asStart) => {
      if (asStart) {
        const res = await app.call('POST', `/definitions/${KEY}/instances`, staff.token, { variables: { jadwal: value } });
        return res.statusCode < 500;
      }
      const task = await scheduleTask(app, staff.token);
      const res = await app.call('POST', `/tasks/${task}/complete`, staff.token, { variables: { jadwal: value, catatan: value } });
      if (res.statusCode >= 500) return false;
      if (res.statusCode !== 200) return true;
      const session = await openTask(app, staff.token, res.json().instanceId);
      return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(session.dueAt ?? '');
    }),
    { numRuns: 60 },
  );
  const duration = fc.oneof(
    fc.tuple(fc.nat({ max: 100_000 }), fc.nat({ max: 10_000_000 }), fc.nat({ max: 1_000_000 })).map(([d, h, m]) => `P${d}DT${h}H${m}M`),
    fc.nat({ max: 1000 }).map((d) => `P${d}D`),
    fc.string().map((s) => s.replace(/["<>&]/g, '')),
  );
  await fc.assert(
    fc.asyncProperty(duration, async (iso) => {
      const res = await app.call('POST', '/definitions', owner.token, XML.replace('duration="PT1H"', `duration="${iso}"`), { 'content-type': 'application/xml' });
      return res.statusCode < 500;
    }),
    { numRuns: 30 },
  );
  t.equal((await app.call('GET', '/health')).statusCode, 200);
});
