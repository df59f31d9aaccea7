// What is notified besides a new task: a task past its due date, a case the applicant started that ends (completed
// or cancelled), and an escalation thrown in a case of a unit the recipient owns.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, testDatabases } from '../helpers/app.js';
import type { Delivery } from '../../src/notifications/outbox-repository.js';

const ESCALATING = `<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="urn:sop-bpmn:1.0" id="d" targetNamespace="x">
<bpmn:escalation id="esc" name="Perlu perhatian" escalationCode="lambat"/>
<bpmn:process id="uji-eskalasi" name="Uji eskalasi" isExecutable="true">
<bpmn:laneSet id="ls"><bpmn:lane id="l"><bpmn:extensionElements><sop:actor role="uji/staf"/></bpmn:extensionElements>
<bpmn:flowNodeRef>s</bpmn:flowNodeRef><bpmn:flowNodeRef>naik</bpmn:flowNodeRef><bpmn:flowNodeRef>u</bpmn:flowNodeRef><bpmn:flowNodeRef>e</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="naik"/>
<bpmn:intermediateThrowEvent id="naik" name="Eskalasi ke pimpinan"><bpmn:escalationEventDefinition escalationRef="esc"/></bpmn:intermediateThrowEvent>
<bpmn:sequenceFlow id="f2" sourceRef="naik" targetRef="u"/>
<bpmn:userTask id="u" name="Menerima"><bpmn:extensionElements><sop:mutuBaku step="1"/></bpmn:extensionElements></bpmn:userTask>
<bpmn:sequenceFlow id="f3" sourceRef="u" targetRef="e"/><bpmn:endEvent id="e"/></bpmn:process></bpmn:definitions>`;

for (const database of await testDatabases()) {
  t.test(`overdue, case ended, escalation (${database})`, async (t) => {
    const dir = tempDir(t);
    fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
    fs.writeFileSync(path.join(dir, 'escalating.bpmn'), ESCALATING);
    const app = await startApp(t, { database, processesDir: dir });
    const { dispatcher, outbox } = app.app.services.notifications;
    const ani = await app.user(['uji/staf'], 'Ani');
    const kepala = await app.user(['uji/kepala'], 'Kepala');
    const owner = await app.user(['owner:uji'], 'Pemilik');
    const otherOwner = await app.user(['owner:ipdn'], 'Pemilik lain');
    for (const u of [ani, kepala, owner, otherOwner]) await app.call('PATCH', '/me', u.token, { email: `${u.id}@uji.go.id`, notifications: { 'task.created': { email: false } } });
    const rows = async () => {
      await dispatcher.tick();
      return (await outbox.list({ limit: 100 })).sort((a, b) => (a.auditSeq ?? 0) - (b.auditSeq ?? 0));
    };
    // An acting official (Plh.) of the Kepala, who left task.created on.
    const plh = await app.user([], 'Plh Kepala');
    await app.call('PATCH', '/me', plh.token, { email: 'plh@uji.go.id' });
    const lent = { to: plh.id, role: 'uji/kepala', from: app.clock.now.toISOString(), until: new Date(app.clock.now.getTime() + 7 * 86_400_000).toISOString(), reason: 'cuti' };
    t.equal((await app.call('POST', '/delegations', kepala.token, lent)).statusCode, 201);
    const names = new Map([[ani.id, 'ani'], [kepala.id, 'kepala'], [owner.id, 'owner'], [plh.id, 'plh']]);
    const brief = (d: Delivery) => `${d.kind}→${names.get(d.recipientUserId ?? '') ?? 'other'}`;

    // A task past its due date (15 working minutes) notifies who may act on it.
    const id = (await app.call('POST', '/definitions/uji-dua-langkah/instances', ani.token, { businessKey: 'B-1' })).json().id as string;
    const first = (await app.call('GET', `/tasks?instanceId=${id}`, ani.token)).json().items[0];
    app.clock.advance(3_600_000);
    t.match(await app.app.services.sweeper.sweepOnce(), { marked: 1 });
    const overdue = await rows();
    t.same(overdue.map(brief), ['task.overdue→ani']);
    t.match(overdue[0], { subject: 'Terlambat: Menerima berkas (Uji dua langkah)', body: /melewati batas waktu[\s\S]*Nomor berkas: B-1[\s\S]*Batas waktu: Senin, 2 Maret 2026 pukul 09\.15 WITA/ });

    // The Kepala's step reaches the acting official, whose delegation lends the role; the case ends: its starter hears of it.
    await app.call('POST', `/tasks/${first.id}/complete`, ani.token, { documents: [{ name: 'Surat Permohonan' }], output: [{ name: 'Agenda' }] });
    const second = (await app.call('GET', `/tasks?instanceId=${id}`, kepala.token)).json().items[0];
    t.same((await rows()).slice(1).map(brief), ['task.created→plh']);
    t.equal((await app.call('POST', `/tasks/${second.id}/complete`, kepala.token, { output: [{ name: 'Keputusan' }], variables: { setuju: 'tidak' } })).statusCode, 200);
    const ended = (await rows()).slice(2);
    t.same(ended.map(brief), ['case.ended→ani']);
    t.match(ended[0], { subject: 'Permohonan Anda selesai: Uji dua langkah', body: /telah selesai/ });

    // A cancelled case too.
    const cancelled = (await app.call('POST', '/definitions/uji-dua-langkah/instances', ani.token, {})).json().id as string;
    t.equal((await app.call('POST', `/instances/${cancelled}/cancel`, owner.token, { reason: 'salah input' })).statusCode, 200);
    const cancelRows = (await rows()).slice(3);
    t.same(cancelRows.map(brief), ['case.ended→ani']);
    t.match(cancelRows[0], { subject: 'Permohonan Anda dibatalkan: Uji dua langkah' });

    // An escalation reaches the owners of the SOP's unit, not another unit's.
    t.equal((await app.call('POST', '/definitions/uji-eskalasi/instances', ani.token, {})).statusCode, 201);
    const escalation = (await rows()).slice(4);
    t.same(escalation.map(brief), ['escalation→owner']);
    t.match(escalation[0], { subject: 'Eskalasi: naik (Uji eskalasi)' });

    // Self-claims are not news; the chain still verifies with everything above in it.
    t.same((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json().ok, true);
  });
}
