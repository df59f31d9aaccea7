// The real camunda-external-task-client-js against the listening service, unchanged but for a bearer header added by
// an interceptor: it subscribes to the topics, completes a task with variables, reports failures with retries down
// to an incident (retried by an owner, then completed), and throws a BPMN error that an error boundary event catches.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { Client, Variables, type Task, type TaskService } from 'camunda-external-task-client-js';
import { ADMIN_TOKEN, startApp, tempDir, testDatabases, type TestApp } from '../helpers/app.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const KEY = 'uji-tugas-eksternal';

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const status = async (app: TestApp, id: string): Promise<string> => (await app.call('GET', `/instances/${id}`, ADMIN_TOKEN)).json().status as string;

for (const database of await testDatabases()) {
  t.test(`[${database}] camunda-external-task-client-js: complete with variables, failure down to an incident, BPMN error`, async (t) => {
    const dir = tempDir(t);
    fs.copyFileSync(path.join(FIXTURES, 'verify-payment.bpmn'), path.join(dir, 'verify-payment.bpmn'));
    const app = await startApp(t, { database, processesDir: dir });
    const worker = await app.user(['worker:uji.periksa-bayar', 'worker:uji.arsip']);
    const address = await app.app.listen({ port: 0, host: '127.0.0.1' });
    const start = async (skenario: string): Promise<string> => (await app.call('POST', `/definitions/${KEY}/instances`, ADMIN_TOKEN, { variables: { skenario, jumlah: 150000 } })).json().id as string;
    const lunas = await start('lunas');
    const gagal = await start('gagal');
    const tolak = await start('tolak');

    const seen: Array<{ skenario: unknown; retries: number | null }> = [];
    let recovered = false;
    const errors: unknown[] = [];
    const client = new Client({
      baseUrl: `${address}/engine-rest`,
      workerId: 'klien-uji',
      asyncResponseTimeout: 2000,
      interval: 50,
      lockDuration: 60_000,
      interceptors: (config) => ({ ...config, headers: { ...config.headers, Authorization: `Bearer ${worker.token}` } }),
    });
    client.on('complete:error', (...args) => errors.push(args));
    client.on('poll:error', (...args) => errors.push(args));
    t.teardown(() => client.stop());
    client.subscribe('uji.periksa-bayar', async ({ task, taskService }: { task: Task; taskService: TaskService }) => {
      const skenario = task.variables.get('skenario');
      seen.push({ skenario, retries: task.retries });
      if (skenario === 'lunas' || (skenario === 'gagal' && recovered)) {
        await taskService.complete(task, new Variables().set('sah', true).set('rincian', { bank: 'NTB Syariah', ref: 'TRX-1' }).set('dibayar', 150000.5), new Variables().set('jejak', 'lokal'));
      } else if (skenario === 'gagal') {
        // Camunda's usual pattern: start at 2 retries, count down, no wait before the next attempt.
        await taskService.handleFailure(task, { errorMessage: 'bank tidak menjawab', errorDetails: 'ETIMEDOUT', retries: task.retries === null ? 2 : task.retries - 1, retryTimeout: 0 });
      } else {
        await taskService.handleBpmnError(task, 'DITOLAK', 'bukti bayar palsu', new Variables().set('alasan', 'bukti bayar palsu'));
      }
    });
    client.subscribe('uji.arsip', async ({ task, taskService }: { task: Task; taskService: TaskService }) => taskService.complete(task));

    await until('the paid case to end', async () => (await status(app, lunas)) === 'completed');
    const paid = await app.app.services.instances.byId(lunas);
    t.match(paid?.variables, { sah: true, rincian: { bank: 'NTB Syariah', ref: 'TRX-1' }, dibayar: 150000.5, skenario: 'lunas' }, 'the worker\'s variables, typed by the client, are the case\'s');
    t.notOk(paid && 'jejak' in paid.variables, 'local variables do not become process variables');

    const incident = await until('the failing task to become an incident', async () => (await app.call('GET', '/incidents', ADMIN_TOKEN)).json().items.find((i: { instanceId: string }) => i.instanceId === gagal));
    t.match(incident, { kind: 'external-task', elementId: 'periksa', message: 'bank tidak menjawab', retries: 0 });
    t.same(seen.filter((s) => s.skenario === 'gagal').map((s) => s.retries), [null, 2, 1], 'fetched three times: first attempt, then with 2 and 1 retries left');
    t.equal(await status(app, gagal), 'running', 'the case waits at its incident');

    const caught = await until('the BPMN error to be caught', async () => (await app.call('GET', `/tasks?instanceId=${tolak}`, ADMIN_TOKEN)).json().items[0]);
    t.equal(caught.elementId, 'tinjau', 'the error boundary event took its path');
    t.equal((await app.app.services.instances.byId(tolak))?.variables.alasan, 'bukti bayar palsu');

    recovered = true;
    t.equal((await app.call('POST', `/incidents/${incident.id}/retry`, ADMIN_TOKEN)).statusCode, 200);
    await until('the retried case to end', async () => (await status(app, gagal)) === 'completed');
    t.equal(seen.filter((s) => s.skenario === 'gagal').at(-1)?.retries, 1, 'the retry gave the task one more attempt');
    t.same(errors, [], 'the client met no error');
    client.stop();
  });
}
