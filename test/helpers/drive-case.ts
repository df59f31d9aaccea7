// Drives a case through the API: completes its open tasks in order, each by the holder of its role, until a given step is open.
import { ADMIN_TOKEN, type TestApp } from './app.js';

export interface OpenTask {
  id: string;
  elementId: string;
  role: string;
  requires: string[];
  output: string[];
  form: Array<{ name: string; type: string; required: boolean; options?: Array<{ value: string }> }>;
}

/** The given choices for the step, and a plain value for every other required field. */
export function formValues(task: OpenTask, values: Record<string, Record<string, unknown>> = {}): Record<string, unknown> {
  const filled: Record<string, unknown> = { ...values[task.elementId] };
  for (const f of task.form) {
    if (!f.required || f.name in filled) continue;
    filled[f.name] = f.type === 'enum' ? f.options?.[0]?.value : f.type === 'boolean' ? false : f.type === 'number' ? 1 : 'isian uji';
  }
  return filled;
}

/** Completes the case's first open task, with its documents, outputs and form values, until `until` is the one open; returns it. */
export async function advanceCase(
  app: Pick<TestApp, 'call'>,
  instanceId: string,
  tokens: Record<string, string>,
  until: string,
  values: Record<string, Record<string, unknown>> = {},
): Promise<OpenTask> {
  for (let i = 0; i < 20; i++) {
    const task = (await app.call('GET', `/tasks?instanceId=${instanceId}`, ADMIN_TOKEN)).json().items[0] as OpenTask | undefined;
    if (!task) throw new Error(`no open task on the way to ${until}`);
    if (task.elementId === until) return task;
    const body = { documents: task.requires.map((name) => ({ name })), output: task.output.map((name) => ({ name })), variables: formValues(task, values) };
    const res = await app.call('POST', `/tasks/${task.id}/complete`, tokens[task.role], body);
    if (res.statusCode !== 200) throw new Error(`complete ${task.elementId} → ${res.statusCode} ${res.body}`);
  }
  throw new Error(`${until} never opened`);
}

/**
 * Completes the case's first external task as a Camunda worker would (fetch, lock, complete without variables) with
 * `workerToken` (a user holding `worker`); returns its element id, or undefined when the case waits on none.
 */
async function completeExternalTask(app: Pick<TestApp, 'call'>, instanceId: string, workerToken: string | undefined): Promise<string | undefined> {
  if (!workerToken) return undefined;
  const [waiting] = (await app.call('GET', `/engine-rest/external-task?processInstanceId=${instanceId}`, workerToken)).json() as Array<{ topicName: string }>;
  if (!waiting) return undefined;
  const body = { workerId: 'drive-case', maxTasks: 100, topics: [{ topicName: waiting.topicName, lockDuration: 60_000 }] };
  const locked = (await app.call('POST', '/engine-rest/external-task/fetchAndLock', workerToken, body)).json() as Array<{ id: string; processInstanceId: string; activityId: string }>;
  const mine = locked.find((l) => l.processInstanceId === instanceId);
  for (const other of locked.filter((l) => l !== mine)) await app.call('POST', `/engine-rest/external-task/${other.id}/unlock`, workerToken);
  if (!mine) return undefined;
  const res = await app.call('POST', `/engine-rest/external-task/${mine.id}/complete`, workerToken, { workerId: 'drive-case' });
  if (res.statusCode !== 204) throw new Error(`complete external task ${mine.activityId} → ${res.statusCode} ${res.body}`);
  return mine.activityId;
}

/**
 * Completes every open task of a case as `token` (an admin's, by default), in list order, until the case is no
 * longer running; returns the element ids completed, in order. With `workerToken`, a case waiting on an external
 * task only has it completed by a worker. Throws when a completion fails or `max` is reached.
 */
export async function finishCase(app: Pick<TestApp, 'call'>, instanceId: string, token = ADMIN_TOKEN, max = 100, workerToken?: string): Promise<string[]> {
  const done: string[] = [];
  for (let i = 0; i < max; i++) {
    const instance = (await app.call('GET', `/instances/${instanceId}`, token)).json() as { status: string; waitingFor?: Array<{ kind: string; name: string; elementId: string }> };
    if (instance.status !== 'running') return done;
    const task = (await app.call('GET', `/tasks?instanceId=${instanceId}`, token)).json().items[0] as OpenTask | undefined;
    const external = task ? undefined : await completeExternalTask(app, instanceId, workerToken);
    if (external) {
      done.push(external);
      continue;
    }
    // With a worker, a case that waits only for a message or signal gets it: the corpus's receive tasks.
    const wait = task || !workerToken ? undefined : instance.waitingFor?.find((w) => w.kind !== 'conditional');
    if (wait) {
      const res = await app.call('POST', wait.kind === 'signal' ? '/signals' : '/messages', token, { name: wait.name });
      if (res.statusCode >= 300) throw new Error(`${wait.kind} ${wait.name} → ${res.statusCode} ${res.body}`);
      done.push(wait.elementId);
      continue;
    }
    if (!task) throw new Error(`case ${instanceId} is running with no open task`);
    const body = { documents: task.requires.map((name) => ({ name })), output: task.output.map((name) => ({ name })), variables: formValues(task) };
    const res = await app.call('POST', `/tasks/${task.id}/complete`, token, body);
    if (res.statusCode !== 200) throw new Error(`complete ${task.elementId} → ${res.statusCode} ${res.body}`);
    done.push(task.elementId);
  }
  throw new Error(`case ${instanceId} did not end within ${max} completions`);
}
