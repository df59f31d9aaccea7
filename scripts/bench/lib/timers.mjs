// The `timers` part of `npm run bench` (issue 19): due timers fired by the service's job executor against bare
// bpmn-engine firing the same timer, on one diagram: a user task with a non-interrupting boundary timer whose
// timeDate reads the case variable `jatuhTempo` (so that each case's due time is the bench's to choose).
//  - bare: per case, a new engine recovers the state of a case waiting on the timer (its expireAt passed), resumes
//    (bpmn-elements' own timer fires at once), runs to the end event behind the timer, and gives its state;
//  - service: `cases` cases started over HTTP with the executor off (JOB_POLL_MS=0), all due; then a fresh process
//    (empty engine cache, so every firing recovers the case from its stored state) with the executor on fires them;
//    firings/s over the span of the `timer.fired` audit events;
//  - lateness: cases due at a steady rate from a moment after the seeding (executor off while seeding, then a fresh
//    process), and per timer `timer.fired`'s `at` minus its due time.
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from 'bpmn-engine';
import { EventEmitter } from 'node:events';
import { api, cpuMsOf, root, startServer as startOnce } from './server.mjs';
import { openKnex } from './bulk.mjs';
import { sourcelessState } from './engine-baseline.mjs';
import { summarize } from '../profile-summary.mjs';
import { warmUp } from './warm-up.mjs';

export const TIMER_KEY = 'bench-timer-jatuh-tempo';
const TIMER_ELEMENT = 'pengingat';
const AFTER_TIMER = 'diingatkan';

export const TIMER_DIAGRAM = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="bench-timers" targetNamespace="urn:sop-bpmn:bench">
<bpmn:process id="${TIMER_KEY}" name="Bench timer jatuh tempo" isExecutable="true">
<bpmn:startEvent id="mulai"/><bpmn:sequenceFlow id="f1" sourceRef="mulai" targetRef="periksa"/>
<bpmn:userTask id="periksa" name="Periksa berkas"/>
<bpmn:boundaryEvent id="${TIMER_ELEMENT}" attachedToRef="periksa" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDate>\${jatuhTempo}</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>
<bpmn:sequenceFlow id="f2" sourceRef="${TIMER_ELEMENT}" targetRef="${AFTER_TIMER}"/><bpmn:endEvent id="${AFTER_TIMER}"/>
<bpmn:sequenceFlow id="f3" sourceRef="periksa" targetRef="selesai"/><bpmn:endEvent id="selesai"/>
</bpmn:process></bpmn:definitions>`;

const dist = (p) => import(path.join(root, 'dist', 'src', p));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The diagram compiled as the service compiles it, and the engine options it runs with. */
async function compiledTimerDiagram() {
  const { parseBpmn } = await dist('engine/bpmn-parser.js');
  const { compileDefinition } = await dist('engine/process-runtime.js');
  const { baseEngineOptions } = await dist('engine/engine-options.js');
  const parsed = await parseBpmn(TIMER_DIAGRAM);
  const compiled = await compileDefinition(TIMER_KEY, parsed.moddleContext);
  return { sourceContext: compiled.sourceContext, options: baseEngineOptions };
}

/** Resolves when the element `id` ends in `listener`'s engine. */
const ended = (listener, id) => new Promise((resolve) => {
  const on = (api) => {
    if (api.id !== id) return;
    listener.off('activity.end', on);
    resolve();
  };
  listener.on('activity.end', on);
});

/**
 * Bare bpmn-engine: firings/s of recover → resume → fire → getState for `seconds`, each from the state of one case
 * waiting on the timer with its expireAt passed. bpmn-elements' default timers fire an expired timer through a
 * setTimeout of 0 (Node waits ≥ 1 ms), which the `fire` phase includes. Warms up for 50 firings and at least
 * `warmUpMs` first (warm-up.mjs).
 */
export async function bareTimers({ seconds = 5, warmUpMs = 1500 } = {}) {
  const { sourceContext, options } = await compiledTimerDiagram();
  const first = new Engine({ ...options, name: TIMER_KEY, sourceContext });
  await first.execute({ variables: { jatuhTempo: new Date(Date.now() + 100).toISOString() } });
  const waiting = JSON.parse(JSON.stringify(sourcelessState(first)));
  first.stop();
  await sleep(150); // now past due
  const phases = { recover: 0, resume: 0, fire: 0, getState: 0 };
  const one = async () => {
    let t = performance.now();
    const engine = new Engine({ ...options, name: TIMER_KEY, sourceContext });
    // As the service does: recover from a fresh parse of the stored state.
    engine.recover(JSON.parse(JSON.stringify(waiting)));
    const listener = new EventEmitter();
    const fired = ended(listener, AFTER_TIMER);
    phases.recover += performance.now() - t;
    t = performance.now();
    await engine.resume({ listener });
    phases.resume += performance.now() - t;
    t = performance.now();
    await fired;
    phases.fire += performance.now() - t;
    t = performance.now();
    const state = sourcelessState(engine);
    if (state.definitions.length !== 1) throw new Error('no state');
    phases.getState += performance.now() - t;
    engine.stop();
  };
  await warmUp(one, { min: 50, ms: warmUpMs });
  for (const k of Object.keys(phases)) phases[k] = 0;
  let n = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await one();
    n++;
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMsPerFiring = (cpu.user + cpu.system) / 1000 / n;
  return { firings: n, ms, firingsPerSecond: (n / ms) * 1000, cpuMsPerFiring, perFiringMs: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, v / n])) };
}

/** Starts `dueAts.length` cases, case i due at dueAts[i], `connections` at a time; returns starts/s. */
async function seedCases(server, dueAts, connections = 8) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < dueAts.length) {
        const i = next++;
        await api(server.base, 'POST', `/definitions/${TIMER_KEY}/instances`, server.admin, { businessKey: `timer-${i}`, variables: { jatuhTempo: dueAts[i] } });
      }
    }),
  );
  return (dueAts.length / (performance.now() - t0)) * 1000;
}

const count = async (knex, sql) => Number(Object.values((await knex.raw(sql))[0] ?? {})[0] ?? 0);

/**
 * Polls until `n` timers fired, at most `maxMs`; returns whether they did and, when `pid` is given, the CPU ms the
 * process used per firing between the first poll that saw a firing and the one that saw the last.
 */
async function firedAll(knex, n, maxMs, pid) {
  const end = Date.now() + maxMs;
  let first = null;
  while (Date.now() < end) {
    const fired = await count(knex, `select count(*) n from audit_events where type = 'timer.fired'`);
    const cpu = pid ? cpuMsOf(pid) : null;
    if (fired > 0 && first === null) first = { fired, cpu };
    if (fired >= n) return { done: true, cpuMsPerFiring: first && cpu !== null && fired > first.fired ? (cpu - first.cpu) / (fired - first.fired) : null };
    await sleep(250);
  }
  return { done: false, cpuMsPerFiring: null };
}

/** Every `timer.fired` event: when it fired and when it was due (ms since the epoch). */
async function firings(knex) {
  const rows = await knex('audit_events').where({ type: 'timer.fired' }).select('at', 'data');
  return rows.map((r) => ({ at: Date.parse(r.at), dueAt: Date.parse((typeof r.data === 'string' ? JSON.parse(r.data) : r.data).dueAt) }));
}

/**
 * startServer with no SOP deployed at boot, tried up to three times: on a machine loaded by others a plugin may miss fastify's 10 s start timeout
 * and the process exit at start, which says nothing about the executor.
 */
async function startServer(options) {
  // The part deploys its one diagram over HTTP: no SOP deployed at boot, so that a start takes seconds, not a minute,
  // on a loaded machine.
  const processesDir = path.join(options.workDir, 'no-processes');
  fs.mkdirSync(processesDir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce({ ...options, env: { PROCESSES_DIR: processesDir, ...options.env } });
    } catch (err) {
      if (attempt === 3 || !/exited at start/.test(err.message)) throw err;
      console.error(`  (${err.message}; starting it again)`);
    }
  }
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

/** A process on `databaseUrl` with the executor off, the diagram deployed (once), `dueAts` started; then stopped. */
async function seeded({ databaseUrl, workDir, dueAts, deploy }) {
  const server = await startServer({ databaseUrl, workDir, env: { JOB_POLL_MS: '0' } });
  try {
    if (deploy) {
      const res = await fetch(`${server.base}/definitions`, { method: 'POST', headers: { authorization: `Bearer ${server.admin}`, 'content-type': 'application/xml' }, body: TIMER_DIAGRAM });
      if (res.status !== 201) throw new Error(`deploy → ${res.status} ${await res.text()}`);
    }
    return await seedCases(server, dueAts);
  } finally {
    await server.stop();
  }
}

/** The profile of a process run with --cpu-prof into `dir`, summarized, or null. */
function profileOf(dir) {
  if (!fs.existsSync(dir)) return null;
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  return file ? summarize(path.join(dir, file), 25) : null;
}

/**
 * The service firing `cases` due timers on SQLite, one process: firings/s over the span of their `timer.fired` events
 * (first to last), and the wall time from the process's spawn. Checks each fired once and no job is left.
 */
export async function serviceTimers({ workDir, cases = 10_000, pollMs = 1000, profile = false, env = {}, nodeArgs = [], log = () => undefined }) {
  const databaseUrl = `sqlite:${path.join(workDir, 'timers.db')}`;
  const due = new Date().toISOString();
  const seedRate = await seeded({ databaseUrl, workDir, dueAts: Array(cases).fill(due), deploy: true });
  log(`  seeded ${cases} cases at ${seedRate.toFixed(0)}/s, all due`);
  const knex = openKnex(databaseUrl);
  const profileDir = path.join(workDir, 'prof-timers');
  const spawned = performance.now();
  const server = await startServer({ databaseUrl, workDir, env: { JOB_POLL_MS: String(pollMs), ...env }, nodeArgs: [...nodeArgs, ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])] });
  try {
    const { done, cpuMsPerFiring } = await firedAll(knex, cases, 30 * 60_000, server.pid);
    const wallMs = performance.now() - spawned;
    const all = await firings(knex);
    const span = Math.max(...all.map((f) => f.at)) - Math.min(...all.map((f) => f.at));
    const verify = await api(server.base, 'GET', '/audit/verify', server.admin);
    const duplicates = await count(knex, `select count(*) n from (select instance_id from audit_events where type = 'timer.fired' group by instance_id having count(*) > 1) x`);
    const jobsLeft = await count(knex, 'select count(*) n from jobs');
    const rss = server.rss();
    await server.stop();
    const prof = profile ? profileOf(profileDir) : null;
    return { cases, seedRate, done, cpuMsPerFiring, fired: all.length, spanMs: span, firingsPerSecond: ((all.length - 1) / span) * 1000, wallMs, wallPerSecond: (all.length / wallMs) * 1000, duplicates, jobsLeft, auditVerified: verify.ok, rssEnd: rss, profile: prof };
  } finally {
    await server.stop();
    await knex.destroy();
  }
}

/**
 * Lateness at a steady `rate` firings/s for `seconds`: cases due at T0 + i / rate, seeded with the executor off
 * (T0 leaves time for the seeding at `seedRate` and a restart), then a fresh process fires them. p50/p99/max of
 * `timer.fired`'s `at` minus the job's due time, in ms.
 */
export async function timerLateness({ workDir, rate, seconds = 60, seedRate = 100, pollMs = 1000, profile = false, log = () => undefined }) {
  const databaseUrl = `sqlite:${path.join(workDir, 'lateness.db')}`;
  const n = Math.max(10, Math.round(rate * seconds));
  // The seeding at the part-one rate with half again for a busy neighbour, the restart, and a margin.
  const t0 = Date.now() + Math.ceil((n / seedRate) * 1.5 * 1000) + 15_000;
  const dueAts = Array.from({ length: n }, (_, i) => new Date(t0 + Math.round((i * 1000) / rate)).toISOString());
  await seeded({ databaseUrl, workDir, dueAts, deploy: true });
  const profileDir = path.join(workDir, 'prof-lateness');
  const server = await startServer({ databaseUrl, workDir, env: { JOB_POLL_MS: String(pollMs) }, ...(profile ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}) });
  const upAt = Date.now();
  log(`  ${n} cases due from ${new Date(t0).toISOString()} at ${rate.toFixed(1)}/s; the executor up ${((t0 - upAt) / 1000).toFixed(1)} s before the first`);
  const knex = openKnex(databaseUrl);
  try {
    const { done } = await firedAll(knex, n, seconds * 1000 + (t0 - Date.now()) + 10 * 60_000);
    const late = (await firings(knex)).map((f) => f.at - f.dueAt).sort((a, b) => a - b);
    const jobsLeft = await count(knex, 'select count(*) n from jobs');
    await server.stop();
    const prof = profile ? profileOf(profileDir) : null;
    return { rate, seconds, cases: n, done, fired: late.length, upBeforeFirstMs: t0 - upAt, p50: quantile(late, 0.5), p99: quantile(late, 0.99), max: late[late.length - 1], min: late[0], jobsLeft, profile: prof };
  } finally {
    await server.stop();
    await knex.destroy();
  }
}
