// External tasks at scale (issue 21): two service processes on one PostgreSQL database, four workers long-polling
// Camunda's fetchAndLock (two on each process) while N cases are started through both processes, so that a task
// created by one process must wake a worker waiting on the other (LISTEN/NOTIFY). Checks that no task is handed to
// a second worker while the first one's lock holds, that every task is completed exactly once, that every case
// ends, no external task row is left and the audit chain verifies.
// Build first (`npx tsc -p tsconfig.build.json && node scripts/build-web.mjs`; this script builds nothing), then:
//   node scripts/scale/external-tasks.mjs [--cases 1000] [--workers 4] [--processes 2] [--db postgres|sqlite]
//        [--max-tasks 10] [--pg postgres://postgres@127.0.0.1:5432/test]
// Prints one JSON line; exits 1 on any violation.
import { randomUUID } from 'node:crypto';
import { apiCaller, DEFAULT_PG_URL, parseArgs, runCheck, scratchDatabase, seconds, serviceSet, tearDown } from './lib/service.mjs';

const args = parseArgs();
const CASES = Number(args.cases ?? 1000);
const WORKERS = Number(args.workers ?? 4);
const PROCESSES = Number(args.processes ?? 2);
const DB = args.db ?? 'postgres';
const MAX_TASKS = Number(args['max-tasks'] ?? 10);
const LOCK_MS = 60_000;
const PG_URL = args.pg ?? DEFAULT_PG_URL;
const ADMIN = `external-admin-${randomUUID()}`;
const BASE_PORT = 4200 + Math.floor(Math.random() * 400);
const KEY = 'uji-skala-eksternal';
const TOPIC = 'skala.hitung';

const DIAGRAM = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="external-scale" targetNamespace="urn:sop-bpmn:scale">
<bpmn:process id="${KEY}" name="Uji tugas eksternal berskala" isExecutable="true">
<bpmn:startEvent id="mulai"/><bpmn:sequenceFlow id="f1" sourceRef="mulai" targetRef="hitung"/>
<bpmn:serviceTask id="hitung" name="Menghitung" camunda:type="external" camunda:topic="${TOPIC}"/>
<bpmn:sequenceFlow id="f2" sourceRef="hitung" targetRef="selesai"/><bpmn:endEvent id="selesai"/>
</bpmn:process></bpmn:definitions>`;

const scratch = scratchDatabase(DB, PG_URL, 'sop_external');
const services = serviceSet({ processes: PROCESSES, basePort: BASE_PORT, scratch, adminToken: ADMIN })({ JOB_POLL_MS: '0' });

/** The API as `token`: `call(base, token, method, path, body?, type?)` → { status, json }. */
const callers = new Map();
function call(base, token, ...rest) {
  if (!callers.has(token)) callers.set(token, apiCaller(token));
  return callers.get(token)(base, ...rest);
}

/** What the workers saw, for the checks: each hand-out with its lock, each completion. */
const handouts = new Map(); // task id → [{ workerId, at, until }]
const completions = new Map(); // task id → count
const violations = [];
const perWorker = {};
let completed = 0;
let fetches = 0;

/** One worker: long-polls fetchAndLock on its process, completes what it got, until every case's task is done. */
async function worker(n, token, deadline) {
  const workerId = `worker-${n}`;
  const base = services[n % services.length].base;
  perWorker[workerId] = 0;
  while (completed < CASES && Date.now() < deadline) {
    const res = await call(base, token, 'POST', '/engine-rest/external-task/fetchAndLock', { workerId, maxTasks: MAX_TASKS, usePriority: true, asyncResponseTimeout: 2000, topics: [{ topicName: TOPIC, lockDuration: LOCK_MS }] });
    fetches++;
    if (res.status !== 200) throw new Error(`${workerId} fetchAndLock → ${res.status} ${JSON.stringify(res.json)}`);
    const at = Date.now();
    for (const task of res.json) {
      const earlier = handouts.get(task.id) ?? [];
      // Handed out again while an earlier lock still held: the one thing a lock must prevent.
      for (const h of earlier) if (h.until > at) violations.push({ kind: 'handed-out-twice', taskId: task.id, first: h.workerId, second: workerId });
      earlier.push({ workerId, at, until: Date.parse(task.lockExpirationTime) });
      handouts.set(task.id, earlier);
    }
    for (const task of res.json) {
      const done = await call(base, token, 'POST', `/engine-rest/external-task/${task.id}/complete`, { workerId, variables: { hasil: { value: task.id, type: 'String' } } });
      if (done.status !== 204) violations.push({ kind: 'complete-refused', taskId: task.id, workerId, status: done.status, body: done.json });
      else {
        completions.set(task.id, (completions.get(task.id) ?? 0) + 1);
        completed++;
        perWorker[workerId]++;
      }
    }
  }
}

/** Starts CASES cases through the processes in turn, 8 at a time. */
async function seed() {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < CASES) {
        const n = next++;
        const res = await call(services[n % services.length].base, ADMIN, 'POST', `/definitions/${KEY}/instances`, { businessKey: `ext-${n}` });
        if (res.status !== 201) throw new Error(`start → ${res.status} ${JSON.stringify(res.json)}`);
      }
    }),
  );
}

async function main() {
  await scratch.create();
  let reader;
  let passed = false;
  try {
    await Promise.all(services.map((s) => s.start()));
    const deployed = await call(services[0].base, ADMIN, 'POST', '/definitions', DIAGRAM, 'application/xml');
    if (deployed.status !== 201) throw new Error(`POST /definitions → ${deployed.status} ${JSON.stringify(deployed.json)}`);
    const user = await call(services[0].base, ADMIN, 'POST', '/users', { name: 'Worker skala', roles: ['worker'] });
    if (user.status !== 201) throw new Error(`POST /users → ${user.status}`);
    const began = Date.now();
    // The workers wait first: the tasks the seeding creates on one process must wake those polling the other.
    const workers = Promise.all(Array.from({ length: WORKERS }, (_, n) => worker(n, user.json.token, began + 600_000)));
    await seed();
    const seededMs = Date.now() - began;
    await workers;
    const totalMs = Date.now() - began;

    reader = await scratch.reader();
    const { count } = reader;
    const rowsLeft = await count(`select count(*)::int n from external_tasks`);
    const casesCompleted = await count(`select count(*)::int n from instances where status = 'completed'`);
    const completedEvents = await count(`select count(*)::int n from audit_events where type = 'external-task.completed'`);
    const createdEvents = await count(`select count(*)::int n from audit_events where type = 'external-task.created'`);
    const verify = (await call(services[0].base, ADMIN, 'GET', '/audit/verify')).json;
    const completedTwice = [...completions.values()].filter((c) => c > 1).length;
    const figures = {
      db: DB,
      processes: PROCESSES,
      workers: WORKERS,
      cases: CASES,
      maxTasks: MAX_TASKS,
      tasksHandedOut: [...handouts.values()].reduce((s, h) => s + h.length, 0),
      distinctTasks: handouts.size,
      completed,
      completedTwice,
      violations: violations.length,
      perWorker,
      fetches,
      rowsLeft,
      casesCompleted,
      createdEvents,
      completedEvents,
      seedSeconds: seconds(seededMs),
      totalSeconds: seconds(totalMs),
      tasksPerSecond: Math.round((completed / totalMs) * 10_000) / 10,
      audit: verify,
    };
    const ok = violations.length === 0 && completed === CASES && handouts.size === CASES && completedTwice === 0 && rowsLeft === 0 && casesCompleted === CASES && createdEvents === CASES && completedEvents === CASES && verify?.ok === true;
    console.log(JSON.stringify({ ok, ...figures }));
    if (violations.length > 0) console.error(JSON.stringify(violations.slice(0, 10)));
    process.exitCode = ok ? 0 : 1;
    passed = ok;
  } finally {
    await tearDown({ reader, services, scratch, passed });
  }
}

runCheck(main);
