// An applicant sees only the cases they started: another applicant's case and its tasks answer 404.
import t from 'tap';
import { ADMIN_TOKEN, startApp } from '../helpers/app.js';

const KEY = 'bkd-ntb-konseling-psikologi';

t.test("one applicant cannot list, read or act on another applicant's case", async (t) => {
  const app = await startApp(t);
  const ani = await app.user(['bkd-ntb/asn'], 'Ani');
  const budi = await app.user(['bkd-ntb/asn'], 'Budi');
  const owner = await app.user(['owner:bkd-ntb'], 'Pemilik');
  const id = (await app.call('POST', `/definitions/${KEY}/instances`, ani.token, {})).json().id as string;
  const task = (await app.call('GET', `/tasks?instanceId=${id}`, ani.token)).json().items[0];
  t.ok(task, 'the applicant sees the first task of the case they started');

  t.same((await app.call('GET', '/tasks', budi.token)).json().items, [], 'another applicant lists no task');
  t.same((await app.call('GET', '/instances', budi.token)).json().items, [], 'and no instance');
  t.equal((await app.call('GET', `/instances/${id}`, budi.token)).statusCode, 404);
  t.equal((await app.call('GET', `/tasks/${task.id}`, budi.token)).statusCode, 404);
  t.equal((await app.call('POST', `/tasks/${task.id}/claim`, budi.token)).statusCode, 404);
  const body = { documents: task.requires.map((name: string) => ({ name })), output: task.output.map((name: string) => ({ name })), variables: {} };
  t.equal((await app.call('POST', `/tasks/${task.id}/complete`, budi.token, body)).statusCode, 404);

  t.equal((await app.call('GET', `/tasks/${task.id}`, owner.token)).statusCode, 200, "the unit's owner still reads it");
  t.equal((await app.call('GET', `/instances/${id}`, ani.token)).statusCode, 200);
  const events = (await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events as Array<{ type: string }>;
  t.notOk(events.some((e) => e.type === 'task.claimed' || e.type === 'task.completed'), 'nothing happened to the case');
});
