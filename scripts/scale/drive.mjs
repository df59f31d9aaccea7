// Scale-out proof: N service processes on one PostgreSQL database (or one SQLite file), each optionally with
// several cluster workers, a client driving instances of a SOP through them at random, optionally killing a
// process with SIGKILL every few seconds and restarting it.
// Usage: node scripts/scale/drive.mjs [--instances 1000] [--concurrency 16] [--processes 2] [--workers 1]
//        [--kill-every 3000] [--race 50] [--db postgres|sqlite] [--key bkd-kalteng-konsultasi-ekinerja]
//        [--pg postgres://postgres@127.0.0.1:5432/test] [--json]
// Prints one line of figures; exits 1 when an instance is stuck, a completion is lost or applied twice,
// the race has other than one winner, or the audit chain does not verify.
import { randomUUID } from 'node:crypto';
import { DEFAULT_PG_URL, parseArgs, scratchDatabase, seconds, serviceSet } from './lib/service.mjs';

const args = parseArgs();
const INSTANCES = Number(args.instances ?? 100);
const CONCURRENCY = Number(args.concurrency ?? 8);
const PROCESSES = Number(args.processes ?? 2);
const WORKERS = Number(args.workers ?? 1);
const DB = args.db ?? 'postgres';
const KILL_EVERY = Number(args['kill-every'] ?? 0);
const RACE = Number(args.race ?? 50);
const KEY = args.key ?? 'bkd-kalteng-konsultasi-ekinerja';
const PG_URL = args.pg ?? DEFAULT_PG_URL;
const ADMIN = `scale-admin-${randomUUID()}`;
const BASE_PORT = 3400 + Math.floor(Math.random() * 400);
const scratch = scratchDatabase(DB, PG_URL, 'sop_scale');

const services = serviceSet({ processes: PROCESSES, basePort: BASE_PORT, scratch, adminToken: ADMIN })({ WORKERS: String(WORKERS) });
const stats = { requests: 0, conflicts: 0, retries: 0, acknowledged: new Set(), kills: 0 };

async function call(method, urlPath, token, body) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const svc = services[Math.floor(Math.random() * services.length)];
    try {
      stats.requests++;
      const res = await fetch(svc.base + urlPath, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status === 503) throw new Error('closing');
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    } catch {
      // The process is down (killed) or closing: try another one.
      stats.retries++;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  throw new Error(`${method} ${urlPath}: no process answered`);
}

function bodyFor(task, choice) {
  const variables = {};
  for (const f of task.form ?? []) variables[f.name] = f.type === 'enum' ? (f.options[choice % f.options.length] ?? f.options[0]).value : 'uji';
  return { documents: task.requires.map((name) => ({ name })), output: task.output.map((name) => ({ name })), variables };
}

async function drive(token, n) {
  const started = await call('POST', `/definitions/${KEY}/instances`, token, { businessKey: `scale-${n}` });
  if (started.status !== 201) throw new Error(`start → ${started.status} ${JSON.stringify(started.json)}`);
  return finish(token, started.json.id, n);
}

/** Completes an instance's tasks until none is left. */
async function finish(token, id, n) {
  for (let step = 0; step < 50; step++) {
    const list = await call('GET', `/tasks?instanceId=${id}`, token);
    const task = list.json.items[0];
    if (!task) return id;
    const done = await call('POST', `/tasks/${task.id}/complete`, token, bodyFor(task, n));
    if (done.status === 200) stats.acknowledged.add(task.id);
    else if (done.status === 409) stats.conflicts++;
    else throw new Error(`complete ${task.elementId} → ${done.status} ${JSON.stringify(done.json)}`);
  }
  throw new Error(`instance ${id} did not end`);
}

async function main() {
  await scratch.create();
  const began = Date.now();
  let chaos;
  let passed = false;
  try {
    await Promise.all(services.map((s) => s.start()));
    const def = await call('GET', `/definitions/${KEY}`, ADMIN);
    if (def.status !== 200) throw new Error(`GET /definitions/${KEY} → ${def.status} ${JSON.stringify(def.json)}`);
    const user = await call('POST', '/users', ADMIN, { name: 'scale driver', roles: def.json.roles.map((r) => r.id) });
    if (user.status !== 201) throw new Error(`POST /users → ${user.status} ${JSON.stringify(user.json)}`);
    const token = user.json.token;
    if (KILL_EVERY > 0) {
      chaos = setInterval(() => {
        // Kill a running process, never the last one up, so the client always has somewhere to go.
        const up = services.filter((s) => s.ready);
        if (up.length < 2) return;
        const victim = up[Math.floor(Math.random() * up.length)];
        victim.kill();
        stats.kills++;
        setTimeout(() => victim.start().catch((e) => console.error(e)), 200);
      }, KILL_EVERY);
    }
    const ids = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < INSTANCES) ids.push(await drive(token, next++));
      }),
    );
    if (chaos) clearInterval(chaos);
    const driveMs = Date.now() - began;
    await Promise.all(services.map((s) => (s.ready ? undefined : s.start())));

    // A start whose process died after committing but before answering was retried by the client: the first
    // instance exists, unacknowledged. It must not be stuck either, so finish it too.
    const orphans = (await call('GET', `/instances?definitionKey=${KEY}&status=running&limit=200`, ADMIN)).json.items.filter((i) => i.businessKey?.startsWith('scale-'));
    for (const o of orphans) await finish(token, o.id, 0);

    // The race: RACE completes of one task through each process at once.
    const raced = (await call('POST', `/definitions/${KEY}/instances`, token, {})).json.id;
    const task = (await call('GET', `/tasks?instanceId=${raced}`, token)).json.items[0];
    const body = bodyFor(task, 0);
    const attempts = services.flatMap((s) =>
      Array.from({ length: RACE }, () =>
        fetch(`${s.base}/tasks/${task.id}/complete`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({
          status: r.status,
          text: await r.text(),
        })),
      ),
    );
    const answers = await Promise.all(attempts);
    const statuses = answers.map((a) => a.status);
    const winners = statuses.filter((s) => s === 200).length;
    const losers = statuses.filter((s) => s === 409).length;

    // The database's own account.
    const acked = [...stats.acknowledged];
    const { count, close } = await scratch.reader();
    const notEnded = await count(`select count(*)::int n from instances where business_key like 'scale-%' and status <> 'completed'`);
    const twice = await count(`select count(*)::int n from (select task_id from audit_events where type = 'task.completed' group by task_id having count(*) > 1) x`);
    const lost = acked.length ? await count(`select count(*)::int n from tasks where id = any($1) and status <> 'completed'`, [acked]) : 0;
    const raceEvents = await count(`select count(*)::int n from audit_events where type = 'task.completed' and task_id = $1`, [task.id]);
    const completedTasks = await count(`select count(*)::int n from tasks where status = 'completed'`);
    await close();
    const verify = (await call('GET', '/audit/verify', ADMIN)).json;

    const figures = {
      db: DB,
      processes: PROCESSES,
      workers: WORKERS,
      instances: ids.length,
      orphanedStarts: orphans.length,
      notEnded,
      tasksCompleted: completedTasks,
      acknowledged: acked.length,
      lost,
      appliedTwice: twice,
      conflicts: stats.conflicts,
      retries: stats.retries,
      kills: stats.kills,
      driveSeconds: seconds(driveMs),
      instancesPerSecond: Math.round((ids.length / driveMs) * 10000) / 10,
      race: { attempts: statuses.length, winners, conflicts: losers, others: answers.filter((a) => a.status !== 200 && a.status !== 409).map((a) => `${a.status} ${a.text.slice(0, 300)}`), auditEvents: raceEvents },
      audit: verify,
    };
    const ok = notEnded === 0 && lost === 0 && twice === 0 && winners === 1 && losers === statuses.length - 1 && raceEvents === 1 && verify.ok;
    console.log(args.json ? JSON.stringify({ ok, ...figures }) : `scale: ${ok ? 'PASS' : 'FAIL'} ${JSON.stringify(figures)}`);
    process.exitCode = ok ? 0 : 1;
    passed = ok;
  } finally {
    if (chaos) clearInterval(chaos);
    await Promise.all(services.map((s) => s.stop().catch(() => s.kill())));
    // A failed run (or a failed setup call) shows what the services logged at error level.
    if (!passed) for (const s of services) for (const line of s.tail()) console.error(`[service ${s.port}] ${line}`);
    await scratch.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
