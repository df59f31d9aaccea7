// Two service processes on one database: a completion that loses the race to the other process answers 409, even
// when the other's commit lands between its reads of the task and of the instance (once a 500 "is not waiting").
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, testDatabases } from '../helpers/app.js';

for (const database of await testDatabases()) {
  t.test(`[${database}] the other process completes the task between this one's reads`, async (t) => {
    const dir = tempDir(t);
    const processesDir = path.join(dir, 'processes');
    fs.mkdirSync(processesDir);
    fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(processesDir, 'two-step.bpmn'));
    const a = await startApp(t, { database, dir, processesDir });
    const b = await startApp(t, { databaseUrl: a.databaseUrl, dir, processesDir });
    const staf = await a.user(['uji/staf'], 'Staf');

    const id = (await a.call('POST', '/definitions/uji-dua-langkah/instances', staf.token, {})).json().id as string;
    const task = (await a.call('GET', `/tasks?instanceId=${id}`, staf.token)).json().items[0] as { id: string };
    const body = { documents: [{ name: 'Surat Permohonan' }], output: [{ name: 'Agenda' }] };

    // B reads the instance only after A has completed the task and committed.
    const repo = b.app.services.instances;
    const withState = repo.withState.bind(repo);
    let winner: number | undefined;
    repo.withState = async (...args: Parameters<typeof withState>) => {
      if (winner === undefined) winner = (await a.call('POST', `/tasks/${task.id}/complete`, staf.token, body)).statusCode;
      return withState(...args);
    };
    const loser = await b.call('POST', `/tasks/${task.id}/complete`, staf.token, body);
    t.equal(winner, 200, 'A completes the task');
    t.equal(loser.statusCode, 409, loser.body);
    t.match(loser.json(), { code: 'SOP_ERR_CONFLICT' });

    const next = (await b.call('GET', `/tasks?instanceId=${id}`, ADMIN_TOKEN)).json().items as Array<{ elementId: string }>;
    t.match(next, [{ elementId: 'putuskan' }], 'the case moved on once, to the next step');
    const verify = (await b.call('GET', '/audit/verify', ADMIN_TOKEN)).json();
    t.match(verify, { ok: true }, 'the chain verifies');
  });
}
