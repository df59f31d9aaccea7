// `npm run bench`: the service against bare bpmn-engine on the same diagram, in one run. Baselines (bare
// bpmn-engine: live, recovering from stored state, execute to the first wait; the heap of a live engine; raw SQLite
// transactions), the service over HTTP on SQLite and PostgreSQL (autocannon), its RSS after a burst of starts,
// GET /tasks at 10k/100k/1M task rows, the SLA report over 1M completed steps, a soak, and due timers fired by the
// job executor against bare bpmn-engine firing the same timer (lib/timers.mjs); writes its sections of
// docs/BENCHMARKS.md with PASS/FAIL per target.
//
// Usage: node scripts/bench/run.mjs [--only engine,sqlite-raw,http-sqlite,burst,http-pg,tasks,report,soak,timers]
//   [--seconds 15] [--connections 16] [--rows 1000000] [--report-rows 1000000] [--soak-minutes 10]
//   [--soak-rate 4] [--workers 2] [--from-json saved.json: only re-render the section from a saved run]
//   [--timer-cases 10000] [--timer-lateness-seconds 60] [--burst 3000] [--profile-dir dir: keep the profiles] [--pg postgres://postgres@127.0.0.1:5432/test] [--profile] [--no-write] [--json out.json]
// The HTTP parts run the service as one process and again with WORKERS=<--workers> (node:cluster); 1 skips that.
// Quick look: --only engine,http-sqlite --seconds 5 --no-write
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { engineBaseline } from './lib/engine-baseline.mjs';
import { sqliteBaseline } from './lib/sqlite-baseline.mjs';
import { api, freshPostgres, postgresVersion, root, startServer } from './lib/server.mjs';
import { loadCompletions, loadStarts } from './lib/http-load.mjs';
import { openKnex } from './lib/bulk.mjs';
import { listsAndReport } from './lib/lists.mjs';
import { completionBody, soak } from './lib/soak.mjs';
import { summarize } from './profile-summary.mjs';
import { writeSection } from './lib/report-doc.mjs';
import { bareTimers, serviceTimers, timerLateness } from './lib/timers.mjs';

const PARTS = ['engine', 'sqlite-raw', 'http-sqlite', 'burst', 'http-pg', 'tasks', 'report', 'soak', 'timers'];

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const [k, inline] = a.slice(2).split('=');
    const next = argv[i + 1];
    if (inline !== undefined) out[k] = inline;
    else if (next === undefined || next.startsWith('--')) out[k] = true;
    else out[k] = argv[++i];
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
const only = new Set(typeof args.only === 'string' ? args.only.split(',') : PARTS);
for (const p of only) if (!PARTS.includes(p)) throw new Error(`--only: unknown part ${p} (${PARTS.join(', ')})`);
const opt = {
  key: args.key ?? 'bkd-kalteng-konsultasi-ekinerja',
  seconds: Number(args.seconds ?? 15),
  connections: Number(args.connections ?? 16),
  rows: Number(args.rows ?? 1_000_000),
  reportRows: Number(args['report-rows'] ?? args.rows ?? 1_000_000),
  soakMinutes: Number(args['soak-minutes'] ?? 10),
  soakRate: Number(args['soak-rate'] ?? 4),
  pg: typeof args.pg === 'string' ? args.pg : (process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'),
  role: args.role ?? 'bkd-kalteng/jfu-tu',
  profile: args.profile === true,
  workers: Number(args.workers ?? 2),
  burst: Number(args.burst ?? 3000),
  timerCases: Number(args['timer-cases'] ?? 10_000),
  timerLatenessSeconds: Number(args['timer-lateness-seconds'] ?? 60),
  write: args['no-write'] !== true,
};
const FIRST_STEP = 'register-request';

const log = (...m) => console.log(...m);
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sop-bench-'));

function machine() {
  const cpus = os.cpus();
  const require = createRequire(import.meta.url);
  const pkg = (name) => JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  const git = (...a) => {
    try {
      return execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  let sqlite = 'unknown';
  try {
    const Database = require(require.resolve('better-sqlite3', { paths: [root] }));
    const db = new Database(':memory:');
    sqlite = db.prepare('select sqlite_version() v').get().v;
    db.close();
  } catch {
    /* reported as unknown */
  }
  return {
    date: new Date().toISOString(),
    commit: git('rev-parse', '--short', 'HEAD') + (dirty ? ' (with uncommitted changes)' : ''),
    cores: cpus.length,
    load: os.loadavg(),
    cpu: cpus[0]?.model ?? 'unknown',
    ramGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    sqlite,
    betterSqlite3: pkg('better-sqlite3'),
    bpmnEngine: pkg('bpmn-engine'),
    autocannon: pkg('autocannon'),
  };
}

/** A server on a fresh database; the caller stops it. */
async function serverOn(kind, name, extra = {}) {
  if (kind === 'sqlite') {
    const databaseUrl = `sqlite:${path.join(workDir, `${name}.db`)}`;
    const server = await startServer({ databaseUrl, workDir, ...extra });
    return { server, databaseUrl, drop: async () => undefined };
  }
  const db = await freshPostgres(opt.pg);
  try {
    const server = await startServer({ databaseUrl: db.url, workDir, ...extra });
    return { server, databaseUrl: db.url, drop: db.drop };
  } catch (err) {
    await db.drop();
    throw err;
  }
}

/**
 * Runs one load phase and adds the cores it kept busy (CPU time ÷ wall time): the server's (its process and workers,
 * threads included) and this process's, which is the load generator (autocannon runs in it).
 */
async function withCores(server, phase) {
  const server0 = server.cpuMs();
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await phase();
  const wallMs = performance.now() - t0;
  const self = process.cpuUsage(self0);
  return { ...result, cores: { server: (server.cpuMs() - server0) / wallMs, loadGenerator: (self.user + self.system) / 1000 / wallMs } };
}

/** Starts/s for `seconds`, then completes every first-step task those starts opened. */
async function httpPart(kind, workers = 1) {
  const profileDir = path.join(workDir, `prof-${kind}-${workers}`);
  const { server, databaseUrl, drop } = await serverOn(kind, `http-${kind}-${workers}`, {
    ...(opt.profile && workers === 1 ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
    env: { WORKERS: String(workers) },
  });
  try {
    const def = await api(server.base, 'GET', `/definitions/${opt.key}`, server.admin);
    const user = await api(server.base, 'POST', '/users', server.admin, { name: 'bench petugas', roles: def.roles.map((r) => r.id) });
    // Warm the process (JIT, caches) before measuring.
    await loadStarts({ base: server.base, token: user.token, key: opt.key, connections: opt.connections, seconds: 2 });
    const starts = await withCores(server, () => loadStarts({ base: server.base, token: user.token, key: opt.key, connections: opt.connections, seconds: opt.seconds }));
    log(`  ${kind} ×${workers} starts: ${starts.perSecond.toFixed(0)}/s, p50 ${starts.p50} ms, p99 ${starts.p99} ms (${starts.non2xx} non-2xx; ${JSON.stringify(starts.statuses)})`);
    const knex = openKnex(databaseUrl);
    const ids = (await knex('tasks').select('id').where({ element_id: FIRST_STEP, status: 'open' }).orderBy('created_at')).map((r) => r.id);
    await knex.destroy();
    // The step's kelengkapan and output, as GET /tasks/:id shows them.
    const sample = await api(server.base, 'GET', `/tasks/${ids[0]}`, user.token);
    const body = completionBody(sample);
    const completions = await withCores(server, () => loadCompletions({ base: server.base, token: user.token, ids, body: () => body, connections: opt.connections }));
    log(`  ${kind} ×${workers} completions: ${completions.perSecond.toFixed(0)}/s over ${ids.length} tasks, p50 ${completions.p50} ms, p99 ${completions.p99} ms (${completions.non2xx} non-2xx; ${JSON.stringify(completions.statuses)})`);
    const verify = await api(server.base, 'GET', '/audit/verify', server.admin);
    const rss = server.rss();
    await server.stop();
    let profile = null;
    if (fs.existsSync(profileDir)) {
      const file = fs.readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (file) {
        profile = summarize(path.join(profileDir, file), 25);
        if (typeof args['profile-dir'] === 'string') {
          fs.mkdirSync(args['profile-dir'], { recursive: true });
          fs.copyFileSync(path.join(profileDir, file), path.join(args['profile-dir'], `${kind}-${workers}.cpuprofile`));
        }
        log(profile.byFile);
        log(profile.byFunction);
      }
    }
    return { workers, starts, completions, openTasks: ids.length, auditVerified: verify.ok, auditEvents: verify.events, rssEnd: rss, profile };
  } finally {
    await server.stop();
    await drop();
  }
}

/** A fresh process, `opt.burst` starts as fast as 16 connections go, then its RSS and heap: right after, and 10 s later. */
async function burstPart() {
  const { server, drop } = await serverOn('sqlite', 'burst');
  try {
    const def = await api(server.base, 'GET', `/definitions/${opt.key}`, server.admin);
    const user = await api(server.base, 'POST', '/users', server.admin, { name: 'bench burst', roles: def.roles.map((r) => r.id) });
    const rssBefore = server.rss();
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, server.rss())), 250);
    const starts = await loadStarts({ base: server.base, token: user.token, key: opt.key, connections: opt.connections, amount: opt.burst });
    clearInterval(sampler);
    const rss = server.rss();
    const memory = await server.memory();
    await new Promise((r) => setTimeout(r, 10_000));
    const later = { rss: server.rss(), memory: await server.memory() };
    log(`  burst of ${starts.ok} starts at ${starts.perSecond.toFixed(0)}/s: RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rss / 2 ** 20).toFixed(0)} MiB (peak ${(peak / 2 ** 20).toFixed(0)}, 10 s later ${(later.rss / 2 ** 20).toFixed(0)}), heap used ${((memory?.heapUsed ?? 0) / 2 ** 20).toFixed(0)} MiB`);
    return { starts, rssBefore, rss, peak, heapUsed: memory?.heapUsed ?? null, heapTotal: memory?.heapTotal ?? null, later: { rss: later.rss, heapUsed: later.memory?.heapUsed ?? null } };
  } finally {
    await server.stop();
    await drop();
  }
}

/** The heap of one live engine per SOP diagram, in a child with --expose-gc (scripts/bench/lib/engine-heap.mjs). */
async function engineHeapPart() {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib', 'engine-heap.mjs');
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', script, '200'], { cwd: root, maxBuffer: 1 << 24 });
  return JSON.parse(stdout);
}

/**
 * Due timers (issue 19): bare bpmn-engine's recover → resume → fire → getState right before and right after the
 * service fires `opt.timerCases` due timers (one process, SQLite; the target compares with the mean of the two),
 * then lateness with timers due at half the service's measured rate.
 */
async function timersPart() {
  const bare = () => bareTimers({ seconds: Math.max(3, Math.min(10, opt.seconds / 2)) });
  const before = await bare();
  log(`  bare bpmn-engine: ${before.firingsPerSecond.toFixed(0)} firings/s`);
  const service = await serviceTimers({ workDir, cases: opt.timerCases, profile: opt.profile, log });
  log(`  service: ${service.fired} fired in ${(service.spanMs / 1000).toFixed(1)} s, ${service.firingsPerSecond.toFixed(0)}/s (${service.duplicates} duplicates, ${service.jobsLeft} jobs left, audit ${service.auditVerified})`);
  if (service.profile) log(`${service.profile.byFile}\n${service.profile.byFunction}\n${service.profile.inclusive}`);
  const after = await bare();
  log(`  bare bpmn-engine: ${after.firingsPerSecond.toFixed(0)} firings/s`);
  const bareRate = (before.firingsPerSecond + after.firingsPerSecond) / 2;
  const lateness = await timerLateness({ workDir, rate: service.firingsPerSecond / 2, seconds: opt.timerLatenessSeconds, seedRate: service.seedRate, log });
  log(`  lateness at ${lateness.rate.toFixed(1)}/s: p50 ${lateness.p50} ms, p99 ${lateness.p99} ms, max ${lateness.max} ms over ${lateness.fired} timers`);
  return { bare: { before, after, firingsPerSecond: bareRate }, service, lateness };
}

async function main() {
  if (typeof args['from-json'] === 'string') {
    // Re-render the section from a saved run (--json), e.g. after a change to the report's wording.
    const saved = JSON.parse(fs.readFileSync(args['from-json'], 'utf8'));
    const { markdown, verdicts } = writeSection(saved, { file: path.join(root, 'docs', 'BENCHMARKS.md'), write: opt.write });
    log(markdown);
    process.exitCode = verdicts.every((v) => v.pass) ? 0 : 1;
    return;
  }
  const result = { machine: machine(), options: { ...opt, only: [...only] } };
  result.machine.postgres = only.has('http-pg') ? await postgresVersion(opt.pg) : null;
  log(`bench: ${JSON.stringify(result.machine)}`);
  if (!fs.existsSync(path.join(root, 'dist', 'src', 'server.js'))) throw new Error('dist/ is missing: run npm run build first');
  try {
    if (only.has('engine')) {
      log('engine baseline (bare bpmn-engine, in memory)…');
      result.engine = await engineBaseline({ key: opt.key, seconds: Math.max(3, Math.min(10, opt.seconds / 2)) });
      log(`  live ${result.engine.live.stepsPerSecond.toFixed(0)} steps/s, recovering ${result.engine.recovering.stepsPerSecond.toFixed(0)} steps/s (${result.engine.recovering.way}), execute + state ${result.engine.startsPerSecond.toFixed(0)} starts/s (${result.engine.execute.way})`);
      result.engineHeap = await engineHeapPart();
      for (const h of result.engineHeap) log(`  ${h.key}: ${h.elements} elements, live engine ${(h.afterSignal / 1024).toFixed(0)} KiB after a signal, estimate ${(h.estimate / 1024).toFixed(0)} KiB`);
    }
    if (only.has('sqlite-raw')) {
      log('raw SQLite transactions…');
      result.sqliteRaw = await sqliteBaseline({ file: path.join(workDir, 'raw.db'), key: opt.key, seconds: Math.max(3, Math.min(10, opt.seconds / 2)) });
      log(`  ${result.sqliteRaw.perSecond.toFixed(0)} tx/s`);
    }
    if (only.has('http-sqlite')) {
      log('service over HTTP, SQLite…');
      // The machine is shared: bare bpmn-engine is measured again right before and right after the one-process run,
      // and the targets compare with the mean of the two, so that a neighbour's load falls on both sides alike.
      const bracket = () => engineBaseline({ key: opt.key, seconds: 3, ways: ['sourceless'] });
      const before = await bracket();
      result.httpSqlite = await httpPart('sqlite');
      const after = await bracket();
      result.bracket = {
        before: { recovering: before.recovering.stepsPerSecond, execute: before.execute.startsPerSecond },
        after: { recovering: after.recovering.stepsPerSecond, execute: after.execute.startsPerSecond },
      };
      result.bracket.recovering = (result.bracket.before.recovering + result.bracket.after.recovering) / 2;
      result.bracket.execute = (result.bracket.before.execute + result.bracket.after.execute) / 2;
      log(`  bare bpmn-engine around it: recovering ${before.recovering.stepsPerSecond.toFixed(0)} → ${after.recovering.stepsPerSecond.toFixed(0)} steps/s, execute + state ${before.execute.startsPerSecond.toFixed(0)} → ${after.execute.startsPerSecond.toFixed(0)}/s`);
      if (opt.workers > 1) result.httpSqliteCluster = await httpPart('sqlite', opt.workers);
    }
    if (only.has('burst')) {
      log(`RSS after a burst of ${opt.burst} starts (SQLite, one process)…`);
      result.burst = await burstPart();
    }
    if (only.has('http-pg')) {
      log('service over HTTP, PostgreSQL…');
      result.httpPg = await httpPart('postgres');
      if (opt.workers > 1) result.httpPgCluster = await httpPart('postgres', opt.workers);
    }
    if (only.has('tasks') || only.has('report')) {
      log('GET /tasks and the report over bulk rows (SQLite)…');
      const { server, databaseUrl, drop } = await serverOn('sqlite', 'bulk');
      try {
        const sizes = only.has('tasks') ? [10_000, 100_000, 1_000_000].filter((n) => n <= opt.rows) : [];
        if (only.has('tasks') && !sizes.includes(opt.rows)) sizes.push(opt.rows);
        const r = await listsAndReport({ server, databaseUrl, kind: 'sqlite', role: opt.role, sizes, reportRows: only.has('report') ? opt.reportRows : 0, log });
        result.tasks = only.has('tasks') ? r.lists : null;
        result.report = r.report;
      } finally {
        await server.stop();
        await drop();
      }
    }
    if (only.has('soak')) {
      log(`soak, ${opt.soakMinutes} min at ${opt.soakRate} cases/s (SQLite)…`);
      // --expose-gc: each sample is taken after a full collection as well (lib/soak.mjs).
      const { server, drop } = await serverOn('sqlite', 'soak', { nodeArgs: ['--expose-gc'] });
      try {
        const def = await api(server.base, 'GET', `/definitions/${opt.key}`, server.admin);
        const user = await api(server.base, 'POST', '/users', server.admin, { name: 'bench soak', roles: def.roles.map((r) => r.id) });
        result.soak = await soak({ server, token: user.token, key: opt.key, minutes: opt.soakMinutes, casesPerSecond: opt.soakRate, log });
      } finally {
        await server.stop();
        await drop();
      }
    }
    if (only.has('timers')) {
      log(`timers: ${opt.timerCases} due timers fired by the job executor against bare bpmn-engine (SQLite, one process)…`);
      result.timers = await timersPart();
    }
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  const { markdown, verdicts } = writeSection(result, { file: path.join(root, 'docs', 'BENCHMARKS.md'), write: opt.write });
  log('');
  log(markdown);
  if (typeof args.json === 'string') fs.writeFileSync(args.json, JSON.stringify(result, null, 1));
  process.exitCode = verdicts.every((v) => v.pass) ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  fs.rmSync(workDir, { recursive: true, force: true });
  process.exitCode = 2;
});
