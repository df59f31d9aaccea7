// Tasklist details in Chromium: no diagram card before a task is chosen, a notice about a started case does not
// outlive the next choice, a wide diagram zooms to the current step, and completing a case's last step says the case ended.
import t from 'tap';
import type { Page } from 'playwright-core';
import { TestClock, type TestApp } from '../helpers/app.js';
import { startWebApp } from '../helpers/browser.js';

const KEY = 'bkd-kalteng-konsultasi-ekinerja';
const ROLES = ['bkd-kalteng/kepala-badan', 'bkd-kalteng/kabid', 'bkd-kalteng/jft', 'bkd-kalteng/kasubbid-umum-kepegawaian', 'bkd-kalteng/jfu-tu'];

interface ApiTask {
  id: string;
  elementId: string;
  requires: string[];
  output: string[];
}

/** Completes the case's steps through the API until `stop` is the open one; answers that task. */
async function walkTo(app: TestApp, token: string, instanceId: string, stop: string): Promise<ApiTask> {
  for (let i = 0; i < 10; i++) {
    const [task] = (await app.call('GET', `/tasks?instanceId=${instanceId}`, token)).json().items as ApiTask[];
    if (!task) throw new Error(`the case ended before ${stop}`);
    if (task.elementId === stop) return task;
    const res = await app.call('POST', `/tasks/${task.id}/complete`, token, { documents: task.requires.map((name) => ({ name })), output: task.output.map((name) => ({ name })) });
    if (res.statusCode !== 200) throw new Error(`complete ${task.elementId} → ${res.statusCode} ${res.body}`);
  }
  throw new Error(`${stop} not reached`);
}

/** How large the current step is drawn against its size in the diagram, and whether it lies inside the diagram's box. */
async function currentStep(page: Page): Promise<{ scale: number; inside: boolean }> {
  return page.evaluate(() => {
    const shape = document.querySelector('#task-diagram .djs-element.step-current .djs-visual > rect') as SVGRectElement;
    const box = (document.querySelector('#task-diagram') as HTMLElement).getBoundingClientRect();
    const r = shape.getBoundingClientRect();
    const scale = r.width / Number(shape.getAttribute('width'));
    return { scale, inside: r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom };
  });
}

t.test('tasklist details', async (t) => {
  const web = await startWebApp(t, { clock: new TestClock(new Date('2026-03-02T01:00:00Z')) });
  t.teardown(() => {
    if (web.problems.length) t.comment(`browser problems:\n${web.problems.join('\n')}`);
  });
  const staff = await web.user(ROLES, 'Petugas BKD');

  // Nothing to do yet: no diagram card.
  const page = await web.open(staff.token, 'tugas');
  await page.waitForSelector('#tasks li.empty');
  t.ok(await page.locator('#task-diagram').isHidden(), 'no empty diagram card before a task is chosen');
  t.equal(await page.getByText('Diagram kasus').count(), 1);
  t.ok(await page.getByText('Diagram kasus').isHidden(), 'nor its title');

  // A case started from the page: its notice shows, the first task opens with the diagram zoomed to it.
  const earlier = (await web.call('POST', `/definitions/${KEY}/instances`, staff.token, { businessKey: 'KONS-LAMA' })).json();
  await page.fill('#business-key', 'KONS-BARU');
  await page.click('form.toolbar button[type=submit]');
  await page.locator('.notices .notice.ok', { hasText: 'Layanan dimulai' }).waitFor();
  await page.waitForSelector('#task-diagram .djs-element.step-current[data-element-id="register-request"]');
  t.ok(await page.locator('#task-diagram').isVisible(), 'the diagram card shows with a task');
  const focused = await currentStep(page);
  t.ok(focused.scale >= 0.74, `the five-lane diagram is zoomed to a readable size (${focused.scale.toFixed(2)})`);
  t.ok(focused.inside, 'with the current step in view');

  // Choosing another task clears the notice.
  const [earlierTask] = (await web.call('GET', `/tasks?instanceId=${earlier.id}`, staff.token)).json().items;
  await page.click(`#tasks li.task[data-task-id="${earlierTask.id}"] button`);
  await page.waitForSelector(`#tasks li.task.selected[data-task-id="${earlierTask.id}"]`);
  await page.waitForFunction(() => !document.querySelector('.notices .notice'));
  t.pass('the started-case notice is gone once another task is chosen');

  // The last step of a case: the page says the case ended.
  const last = await walkTo(web, staff.token, earlier.id, 'give-consultation');
  await page.reload();
  await page.waitForSelector('#tasks li.task');
  await page.click(`#tasks li.task[data-task-id="${last.id}"] button`);
  // The sop:form field, rendered by the form-js viewer: its select's dropdown.
  const select = page.locator('#task-form .fjs-form-field-select', { hasText: 'Apakah penjelasan sudah memenuhi harapan pemohon?' });
  await select.locator('.fjs-input-group').click();
  await select.locator('.fjs-dropdownlist-item', { hasText: 'Ya, selesai' }).click();
  for (const name of last.requires) await page.check(`input[data-document="${name}"]`);
  for (const name of last.output) await page.check(`input[data-output="${name}"]`);
  await page.click('#complete');
  const ended = page.locator('#case-status');
  await ended.waitFor();
  t.match(await ended.innerText(), /Kasus KONS-LAMA selesai pada \d+ .* WIB\./);
  t.equal((await web.call('GET', `/instances/${earlier.id}`, staff.token)).json().status, 'completed');
  await page.waitForSelector('#task-diagram .djs-element.step-done[data-element-id="give-consultation"]');
  t.equal(await page.locator('#task-diagram .djs-element.step-current').count(), 0, 'no step is current in an ended case');
  t.same(web.problems, [], 'no errors in the browser');
});

t.test('Mulai dihitung shows when the working-time clock starts, not a creation at night', async (t) => {
  // Monday 2 March 2026, 02.06 WIB: office hours open at 07.30.
  const web = await startWebApp(t, { clock: new TestClock(new Date('2026-03-01T19:06:00Z')) });
  t.teardown(() => {
    if (web.problems.length) t.comment(`browser problems:\n${web.problems.join('\n')}`);
  });
  const staff = await web.user(['bkd-kalteng/jfu-tu'], 'Petugas TU');
  const instance = (await web.call('POST', `/definitions/${KEY}/instances`, staff.token, {})).json();
  const [task] = (await web.call('GET', `/tasks?instanceId=${instance.id}`, staff.token)).json().items;
  t.equal(task.createdAt, '2026-03-01T19:06:00.000Z');
  t.equal(task.clockStartsAt, '2026-03-02T00:30:00.000Z', 'the API says the clock starts at 07.30 WIB');
  t.equal(task.dueAt, '2026-03-02T00:35:00.000Z', 'and the 5-minute standard counts from there');

  const page = await web.open(staff.token, 'tugas');
  const start = page.locator('#task-detail #clock-start');
  await start.waitFor();
  const text = await start.innerText();
  t.match(text, /^2 Mar 2026,? 07[.:]30 WIB/, 'Mulai dihitung: the opening of office hours');
  t.match(text, /dibuat 2 Mar 2026,? 02[.:]06 WIB, di luar jam kerja/, 'beside it, the creation at night');

  // A task created in office hours counts from its creation, with nothing beside it.
  web.clock.set('2026-03-02T02:00:00Z');
  const day = (await web.call('POST', `/definitions/${KEY}/instances`, staff.token, {})).json();
  const [dayTask] = (await web.call('GET', `/tasks?instanceId=${day.id}`, staff.token)).json().items;
  t.equal(dayTask.clockStartsAt, dayTask.createdAt);
  await page.reload();
  await page.click(`#tasks li.task[data-task-id="${dayTask.id}"] button`);
  await page.waitForSelector(`#tasks li.task.selected[data-task-id="${dayTask.id}"]`);
  t.match(await page.locator('#task-detail #clock-start').innerText(), /^2 Mar 2026,? 09[.:]00 WIB$/);
  t.same(web.problems, [], 'no errors in the browser');
});
