// Outbox delivery across kill -9 (issue 21): N cases each create a task for a role whose users have a phone, so the
// outbox holds one webhook message per case and user; the service processes start delivering them to a loopback
// receiver, are all killed with SIGKILL while a delivery is in flight, restarted, and then every message's
// idempotency key (`webhook-id`) must have reached the receiver at least once, none missing, every delivery signed
// (Standard Webhooks HMAC), every repeat carrying the key of a message of the outbox, and no row left undelivered.
// Build first (`npm run build`; this script builds nothing), then:
//   node scripts/scale/outbox-kill.mjs [--cases 500] [--users 1] [--processes 1|2] [--db sqlite|postgres]
//        [--poll 200] [--kill-at 0.2] [--delay 5] [--pg postgres://postgres@127.0.0.1:5432/test]
// The cases are started with the dispatchers off (OUTBOX_POLL_MS=0), so the audit events wait unexpanded; the
// processes come back with WEBHOOK_URL set and OUTBOX_POLL_MS=--poll and are killed as the --kill-at share of the
// messages arrives (the receiver answers each after --delay ms, so the one arriving then is in flight). A row a killed process had claimed stays leased to it for the dispatcher's lease (60 s) before
// another process takes it and sends it again, with the same key. Prints one JSON line; exits 1 on any violation.
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import { apiCaller, DEFAULT_PG_URL, parseArgs, runCheck, scratchDatabase, seconds, serviceSet, sleep, tearDown, until } from './lib/service.mjs';

const args = parseArgs();
const CASES = Number(args.cases ?? 500);
const USERS = Number(args.users ?? 1);
const PROCESSES = Number(args.processes ?? 1);
const DB = args.db ?? 'sqlite';
const POLL_MS = Number(args.poll ?? 200);
const KILL_AT = Number(args['kill-at'] ?? 0.2);
const DELAY_MS = Number(args.delay ?? 5);
const LEASE_MS = 60_000;
const PG_URL = args.pg ?? DEFAULT_PG_URL;
const ADMIN = `outbox-admin-${randomUUID()}`;
const call = apiCaller(ADMIN);
const SECRET = `whsec_${Buffer.from(randomUUID()).toString('base64')}`;
const BASE_PORT = 4200 + Math.floor(Math.random() * 400);
const KEY = 'uji-outbox-kill';
const ROLE = 'uji-outbox/staf';

const DIAGRAM = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="urn:sop-bpmn:1.0" id="outbox-kill" targetNamespace="urn:sop-bpmn:scale">
<bpmn:process id="${KEY}" name="Uji outbox kill -9" isExecutable="true">
<bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="Staf"><bpmn:extensionElements><sop:actor role="${ROLE}"/></bpmn:extensionElements>
<bpmn:flowNodeRef>mulai</bpmn:flowNodeRef><bpmn:flowNodeRef>periksa</bpmn:flowNodeRef><bpmn:flowNodeRef>selesai</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
<bpmn:startEvent id="mulai"/><bpmn:sequenceFlow id="f1" sourceRef="mulai" targetRef="periksa"/>
<bpmn:userTask id="periksa" name="Periksa berkas"/>
<bpmn:sequenceFlow id="f2" sourceRef="periksa" targetRef="selesai"/><bpmn:endEvent id="selesai"/>
</bpmn:process></bpmn:definitions>`;

const scratch = scratchDatabase(DB, PG_URL, 'sop_outbox');

/**
 * A loopback receiver that checks each delivery's Standard Webhooks signature and answers after DELAY_MS; `onCount`
 * is called with the number of deliveries so far as each arrives, before it is answered.
 */
function startReceiver() {
  const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
  const state = { url: '', deliveries: [], badSignatures: 0, onCount: () => undefined };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = String(req.headers['webhook-id']);
      const ts = String(req.headers['webhook-timestamp']);
      const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
      if (!String(req.headers['webhook-signature']).split(' ').includes(`v1,${expected}`)) state.badSignatures++;
      state.deliveries.push({ id, at: Date.now() });
      state.onCount(state.deliveries.length);
      setTimeout(() => res.writeHead(200).end(), DELAY_MS);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      state.url = `http://127.0.0.1:${server.address().port}/hooks`;
      state.close = () => new Promise((r) => server.close(() => r()));
      resolve(state);
    }),
  );
}

async function must(promise, what) {
  const res = await promise;
  if (res.status >= 300) throw new Error(`${what} → ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

/** The role's users, each with a phone (the webhook reaches a user at it); the diagram; CASES cases, 8 at a time. */
async function seed(services) {
  const base = services[0].base;
  for (let u = 0; u < USERS; u++) {
    const user = await must(call(base, 'POST', '/users', { name: `Staf ${u}`, roles: [ROLE] }), 'POST /users');
    await must(call(base, 'PATCH', `/users/${user.id}`, { phone: `+6281200000${String(u).padStart(3, '0')}` }), 'PATCH /users');
  }
  await must(call(base, 'POST', '/definitions', DIAGRAM, 'application/xml'), 'POST /definitions');
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < CASES) {
        const n = next++;
        await must(call(services[n % services.length].base, 'POST', `/definitions/${KEY}/instances`, { businessKey: `outbox-${n}` }), 'start');
      }
    }),
  );
}

async function main() {
  await scratch.create();
  const receiver = await startReceiver();
  const servicesWith = serviceSet({ processes: PROCESSES, basePort: BASE_PORT, scratch, adminToken: ADMIN });
  const began = Date.now();
  let services = servicesWith({ OUTBOX_POLL_MS: '0', JOB_POLL_MS: '0' });
  let reader;
  let passed = false;
  try {
    // 1. The cases, with no dispatcher running: their task.created events wait in the audit chain.
    await Promise.all(services.map((s) => s.start()));
    await seed(services);
    await Promise.all(services.map((s) => s.stop()));
    const seedMs = Date.now() - began;
    reader = await scratch.reader();
    const { q, count } = reader;
    const expected = CASES * USERS;

    // 2. Dispatchers on, delivering to the receiver; kill -9 every process once KILL_AT of the messages arrived.
    services = servicesWith({ OUTBOX_POLL_MS: String(POLL_MS), JOB_POLL_MS: '0', WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET });
    const deliverStart = Date.now();
    // Killed from the receiver as the threshold's delivery arrives, before it is answered: that message was sent
    // but not marked delivered, so it must come again after the restart, with the same key.
    const threshold = Math.ceil(expected * KILL_AT);
    let killing;
    receiver.onCount = (n) => {
      if (n >= threshold) killing ??= Promise.all(services.map((s) => s.killAndWait()));
    };
    const booting = Promise.all(services.map((s) => s.start())).catch((err) => err);
    const reached = await until(async () => killing !== undefined, 600_000, 10);
    await killing;
    receiver.onCount = () => undefined;
    await booting;
    const killedAfterMs = Date.now() - deliverStart;
    const receivedBeforeKill = receiver.deliveries.length;
    const rowsAtKill = await count(`select count(*)::int n from outbox`);
    const deliveredAtKill = await count(`select count(*)::int n from outbox where status = 'delivered'`);
    const leasedAtKill = await count(`select count(*)::int n from outbox where status = 'pending' and locked_by is not null`);

    // 3. Restart; wait until every row is delivered (rows the dead processes held wait for their lease to run out).
    const restart = Date.now();
    await Promise.all(services.map((s) => s.start()));
    const pending = () => count(`select count(*)::int n from outbox where status <> 'delivered'`);
    const rowsNow = () => count(`select count(*)::int n from outbox`);
    const drained = await until(async () => (await rowsNow()) === expected && (await pending()) === 0, LEASE_MS + 180_000, 250);
    const recoverMs = Date.now() - restart;
    await sleep(500); // a send under way at the last look has answered

    // 4. The receiver's account against the outbox's.
    const keys = (await q(`select idempotency_key k from outbox`)).map((r) => r.k);
    const keySet = new Set(keys);
    const seen = new Map();
    for (const d of receiver.deliveries) seen.set(d.id, (seen.get(d.id) ?? 0) + 1);
    const missing = keys.filter((k) => !seen.has(k)).length;
    const unknown = [...seen.keys()].filter((k) => !keySet.has(k)).length;
    const repeated = [...seen.values()].filter((n) => n > 1).length;
    const statuses = Object.fromEntries((await q(`select status, count(*)::int n from outbox group by status`)).map((r) => [r.status, Number(r.n)]));
    const verify = (await call(services[0].base, 'GET', '/audit/verify')).json;

    const figures = {
      db: DB,
      processes: PROCESSES,
      cases: CASES,
      users: USERS,
      messages: expected,
      pollMs: POLL_MS,
      receiverDelayMs: DELAY_MS,
      receivedBeforeKill,
      rowsAtKill,
      deliveredAtKill,
      leasedAtKill,
      outboxRows: keys.length,
      distinctKeys: keySet.size,
      deliveries: receiver.deliveries.length,
      keysReceived: seen.size,
      missing,
      unknown,
      repeatedKeys: repeated,
      badSignatures: receiver.badSignatures,
      statuses,
      seedSeconds: seconds(seedMs),
      killAfterSeconds: seconds(killedAfterMs),
      recoverSeconds: seconds(recoverMs),
      totalSeconds: seconds(Date.now() - began),
      audit: verify,
    };
    const midDelivery = reached && receivedBeforeKill > 0 && deliveredAtKill < expected;
    const ok = midDelivery && drained && keys.length === expected && keySet.size === expected && missing === 0 && unknown === 0 && receiver.badSignatures === 0 && statuses.delivered === expected && verify?.ok === true;
    console.log(JSON.stringify({ ok, midDelivery, drained, ...figures }));
    process.exitCode = ok ? 0 : 1;
    passed = ok;
  } finally {
    await tearDown({ reader, services, scratch, passed, closers: [() => receiver.close()] });
  }
}

runCheck(main);
