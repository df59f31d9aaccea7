// Durable timers across kill -9 (issue 19): N cases each wait on a non-interrupting PT1S boundary timer of a user
// task; the service processes start firing the N due timers, are all killed with SIGKILL part-way, restarted, and
// then every timer must have fired exactly once: N `timer.fired` audit events, one per (instance, execution), no
// job left, the audit chain verifying.
// Build first (`npm run build`; this script builds nothing), then:
//   node scripts/scale/timers-kill.mjs [--cases 1000] [--processes 1|2] [--db sqlite|postgres] [--poll 200]
//        [--kill-at 0.2] [--pg postgres://postgres@127.0.0.1:5432/test]
// The cases are started with the executors off (JOB_POLL_MS=0), so all N timers are due together when the
// processes come back with JOB_POLL_MS=--poll; they are killed once --kill-at of the timers have fired. Jobs a
// killed process had claimed stay leased to it for JOB_LEASE_MS (5 min) before another process takes them, so the
// wait after the restart lasts about that long. Prints one JSON line; exits 1 on any violation.
import { randomUUID } from 'node:crypto';
import { apiCaller, DEFAULT_PG_URL, parseArgs, runCheck, scratchDatabase, seconds, serviceSet, sleep, tearDown, until } from './lib/service.mjs';

const args = parseArgs();
const CASES = Number(args.cases ?? 1000);
const PROCESSES = Number(args.processes ?? 1);
const DB = args.db ?? 'sqlite';
const POLL_MS = Number(args.poll ?? 200);
const KILL_AT = Number(args['kill-at'] ?? 0.2);
const LEASE_MS = 5 * 60_000;
const PG_URL = args.pg ?? DEFAULT_PG_URL;
const ADMIN = `timers-admin-${randomUUID()}`;
const call = apiCaller(ADMIN);
const BASE_PORT = 3800 + Math.floor(Math.random() * 400);
const KEY = 'uji-timer-kill';

const DIAGRAM = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="timers-kill" targetNamespace="urn:sop-bpmn:scale">
<bpmn:process id="${KEY}" name="Uji timer kill -9" isExecutable="true">
<bpmn:startEvent id="mulai"/><bpmn:sequenceFlow id="f1" sourceRef="mulai" targetRef="periksa"/>
<bpmn:userTask id="periksa" name="Periksa berkas"/>
<bpmn:boundaryEvent id="pengingat" attachedToRef="periksa" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
<bpmn:sequenceFlow id="f2" sourceRef="pengingat" targetRef="diingatkan"/><bpmn:endEvent id="diingatkan"/>
<bpmn:sequenceFlow id="f3" sourceRef="periksa" targetRef="selesai"/><bpmn:endEvent id="selesai"/>
</bpmn:process></bpmn:definitions>`;

const scratch = scratchDatabase(DB, PG_URL, 'sop_timers');
const servicesWith = serviceSet({ processes: PROCESSES, basePort: BASE_PORT, scratch, adminToken: ADMIN });

/** Deploys the diagram and starts CASES cases through the processes in turn, 8 at a time. */
async function seed(services) {
  const deployed = await call(services[0].base, 'POST', '/definitions', DIAGRAM, 'application/xml');
  if (deployed.status !== 201) throw new Error(`POST /definitions → ${deployed.status} ${JSON.stringify(deployed.json)}`);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < CASES) {
        const n = next++;
        const res = await call(services[n % services.length].base, 'POST', `/definitions/${KEY}/instances`, { businessKey: `timer-${n}` });
        if (res.status !== 201) throw new Error(`start → ${res.status} ${JSON.stringify(res.json)}`);
      }
    }),
  );
}

const firedCount = (count) => count(`select count(*)::int n from audit_events where type = 'timer.fired'`);
const jobCount = (count) => count(`select count(*)::int n from jobs`);

async function main() {
  await scratch.create();
  const began = Date.now();
  let services = servicesWith({ JOB_POLL_MS: '0' });
  let reader;
  let passed = false;
  try {
    // 1. The cases, with no executor running: every timer waits as a job.
    await Promise.all(services.map((s) => s.start()));
    await seed(services);
    await Promise.all(services.map((s) => s.stop()));
    const seedMs = Date.now() - began;
    reader = await scratch.reader();
    const { count } = reader;
    const jobsBefore = await jobCount(count);
    await sleep(1100); // PT1S from the last start: all due

    // 2. Executors on; kill -9 every process once KILL_AT of the timers fired.
    services = servicesWith({ JOB_POLL_MS: String(POLL_MS) });
    const fireStart = Date.now();
    // Watched from the first spawn: a process fires before it answers /health.
    const booting = Promise.all(services.map((s) => s.start())).catch((err) => err);
    const reached = await until(async () => (await firedCount(count)) >= Math.ceil(CASES * KILL_AT), 600_000, 20);
    await Promise.all(services.map((s) => s.killAndWait()));
    await booting;
    const killedAfterMs = Date.now() - fireStart;
    const firedBeforeKill = await firedCount(count);
    const leasedAtKill = await count(`select count(*)::int n from jobs where locked_by is not null`);

    // 3. Restart; wait until no job is left (the dead processes' leases run out after JOB_LEASE_MS).
    const restart = Date.now();
    await Promise.all(services.map((s) => s.start()));
    // Everything but the jobs the dead processes held fires at once; those wait for their lease to run out.
    await until(async () => (await jobCount(count)) <= leasedAtKill, LEASE_MS, 200);
    const unleasedMs = Date.now() - restart;
    const drained = await until(async () => (await jobCount(count)) === 0, LEASE_MS + 180_000, 500);
    const recoverMs = Date.now() - restart;

    // 4. The database's account.
    const firedTotal = await firedCount(count);
    const duplicates = await count(`select count(*)::int n from (select instance_id, element_id, data from audit_events where type = 'timer.fired' group by instance_id, element_id, data having count(*) > 1) x`);
    const perInstanceTwice = await count(`select count(*)::int n from (select instance_id from audit_events where type = 'timer.fired' group by instance_id having count(*) > 1) x`);
    const instancesFired = await count(`select count(distinct instance_id)::int n from audit_events where type = 'timer.fired'`);
    const jobsLeft = await jobCount(count);
    const incidents = await count(`select count(*)::int n from incidents`);
    const openTasks = await count(`select count(*)::int n from tasks where status = 'open'`);
    const verify = (await call(services[0].base, 'GET', '/audit/verify')).json;

    const figures = {
      db: DB,
      processes: PROCESSES,
      cases: CASES,
      pollMs: POLL_MS,
      jobsBefore,
      firedBeforeKill,
      leasedAtKill,
      firedAfterRestart: firedTotal - firedBeforeKill,
      firedTotal,
      instancesFired,
      duplicates,
      perInstanceTwice,
      jobsLeft,
      incidents,
      openTasks,
      seedSeconds: seconds(seedMs),
      killAfterSeconds: seconds(killedAfterMs),
      unleasedFiredSeconds: seconds(unleasedMs),
      recoverSeconds: seconds(recoverMs),
      totalSeconds: seconds(Date.now() - began),
      audit: verify,
    };
    const midFiring = reached && firedBeforeKill > 0 && firedBeforeKill < CASES;
    const ok = midFiring && drained && jobsBefore === CASES && firedTotal === CASES && instancesFired === CASES && duplicates === 0 && perInstanceTwice === 0 && jobsLeft === 0 && incidents === 0 && openTasks === CASES && verify?.ok === true;
    console.log(JSON.stringify({ ok, midFiring, drained, ...figures }));
    process.exitCode = ok ? 0 : 1;
    passed = ok;
  } finally {
    await tearDown({ reader, services, scratch, passed });
  }
}

runCheck(main);
