// The executor's background loop: the app starts it when JOB_POLL_MS > 0 and a graceful close stops it.
import t from 'tap';
import { startApp, tempDir } from '../helpers/app.js';

t.test('the app runs the executor in the background and stops it on close', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t), app: { jobExecutor: true } });
  await app.close();
  t.pass('closed with the executor running');
});
