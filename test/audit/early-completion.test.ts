// A scheduled step (startsAt) completed before its scheduled time counts from its creation: the XES start precedes
// its complete in every trace, the CSV's clockStart and the measured time agree with it.
import t from 'tap';
import { ADMIN_TOKEN, startApp, tempDir } from '../helpers/app.js';

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="urn:sop-bpmn:1.0" id="d" targetNamespace="urn:x">
<bpmn:process id="sesi-terjadwal" isExecutable="true">
<bpmn:extensionElements><sop:document organisation="Unit Uji" calendar="wib"/></bpmn:extensionElements>
<bpmn:startEvent id="mulai"/><bpmn:sequenceFlow id="f1" sourceRef="mulai" targetRef="jadwalkan"/>
<bpmn:userTask id="jadwalkan" name="Menjadwalkan sesi"><bpmn:extensionElements>
  <sop:mutuBaku step="1" waktu="1 Hari" duration="P1D"/>
  <sop:form><sop:field name="jadwal" type="datetime" label="Jadwal sesi" required="true"/></sop:form>
</bpmn:extensionElements></bpmn:userTask>
<bpmn:sequenceFlow id="f2" sourceRef="jadwalkan" targetRef="sesi"/>
<bpmn:userTask id="sesi" name="Melaksanakan sesi"><bpmn:extensionElements><sop:mutuBaku step="2" waktu="2 Jam" duration="PT2H" startsAt="jadwal"/></bpmn:extensionElements></bpmn:userTask>
<bpmn:sequenceFlow id="f3" sourceRef="sesi" targetRef="selesai"/><bpmn:endEvent id="selesai"/>
</bpmn:process></bpmn:definitions>`;

t.test('a session completed before its scheduled time starts at its creation in the exports and the measurement', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  t.equal((await app.call('POST', '/definitions', ADMIN_TOKEN, XML, { 'content-type': 'application/xml' })).statusCode, 201);
  // Monday 08:00 WIB.
  app.clock.set('2026-03-02T01:00:00.000Z');
  const id = (await app.call('POST', '/definitions/sesi-terjadwal/instances', ADMIN_TOKEN, { businessKey: 'SESI-1' })).json().id as string;
  const first = (await app.call('GET', `/tasks?instanceId=${id}`, ADMIN_TOKEN)).json().items[0];
  const done = { documents: [], output: [] };
  t.equal((await app.call('POST', `/tasks/${first.id}/complete`, ADMIN_TOKEN, { ...done, variables: { jadwal: '2026-03-04T09:00:00+07:00' } })).statusCode, 200);
  const session = (await app.call('GET', `/tasks?instanceId=${id}`, ADMIN_TOKEN)).json().items[0];
  t.match(session, { elementId: 'sesi', startsAt: '2026-03-04T02:00:00.000Z', createdAt: '2026-03-02T01:00:00.000Z' });

  // Completed an hour after its creation, two days before its schedule.
  app.clock.advance(60 * 60 * 1000);
  t.equal((await app.call('POST', `/tasks/${session.id}/complete`, ADMIN_TOKEN, { ...done, variables: {} })).statusCode, 200);

  const trail = (await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events;
  t.match(trail.find((e: { type: string; elementId: string }) => e.type === 'task.completed' && e.elementId === 'sesi'), { workingMs: 3_600_000, breached: false });

  const csv = (await app.call('GET', '/audit/export?format=csv', ADMIN_TOKEN)).body.split('\r\n');
  const header = (csv[0] as string).split(',');
  const row = csv.find((l) => l.includes(',sesi,'))?.split(',') ?? [];
  t.equal(row[header.indexOf('clockStart')], '2026-03-02T01:00:00.000Z', 'CSV clockStart is the creation');

  const xes = (await app.call('GET', '/audit/export?format=xes', ADMIN_TOKEN)).body;
  for (const trace of xes.split('<trace>').slice(1)) {
    const events = [...trace.matchAll(/<event>([\s\S]*?)<\/event>/g)].map((m) => ({
      transition: /key="lifecycle:transition" value="([^"]+)"/.exec(m[1] as string)?.[1],
      at: /key="time:timestamp" value="([^"]+)"/.exec(m[1] as string)?.[1] as string,
      taskId: /key="sop:taskId" value="([^"]+)"/.exec(m[1] as string)?.[1],
    }));
    for (const [i, e] of events.entries()) {
      if (e.transition !== 'complete') continue;
      const start = events.findIndex((s) => s.taskId === e.taskId && s.transition === 'start');
      t.ok(start >= 0 && start < i && Date.parse(events[start]?.at as string) <= Date.parse(e.at), `start before complete of ${e.taskId}`);
    }
  }
  t.match(xes, /value="start"\/>\s*<date key="time:timestamp" value="2026-03-02T01:00:00.000Z"\/>[\s\S]*?value="sesi"/);
});
