// The link in a notification (<PUBLIC_URL>/app/#/tugas/<taskId>) opens the tasklist with that task chosen.
import t from 'tap';
import { startWebApp } from '../helpers/browser.js';

const KEY = 'bkd-kalteng-konsultasi-ekinerja';

t.test("a notification's link chooses its task", async (t) => {
  const web = await startWebApp(t);
  const staff = await web.user(['bkd-kalteng/jfu-tu'], 'Petugas TU');
  const first = (await web.call('POST', `/definitions/${KEY}/instances`, staff.token, { businessKey: 'PERTAMA' })).json();
  web.clock.advance(60_000);
  const second = (await web.call('POST', `/definitions/${KEY}/instances`, staff.token, { businessKey: 'KEDUA' })).json();
  const [linked] = (await web.call('GET', `/tasks?instanceId=${second.id}`, staff.token)).json().items;
  const [other] = (await web.call('GET', `/tasks?instanceId=${first.id}`, staff.token)).json().items;

  // Given the link of the second case's task (the list shows the first case's task first),
  const page = await web.open(staff.token, `tugas/${linked.id}`);

  // then the tasklist opens with the linked task chosen, and the tab still reads as the tasklist.
  await page.waitForSelector(`#tasks li.task.selected[data-task-id="${linked.id}"]`);
  t.equal(await page.locator(`#tasks li.task.selected[data-task-id="${other.id}"]`).count(), 0);
  t.equal(await page.locator('nav.tabs a.active').getAttribute('data-page'), 'tugas');
  t.same(web.problems, [], 'no errors in the browser');
});
