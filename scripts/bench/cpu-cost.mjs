// CPU time per operation, for comparing changes on a machine others load too (throughput there swings by ±50 %):
// the server's user+system CPU (from /proc, Linux; its workers too with WORKERS > 1) per start and per completion
// over HTTP, against bare bpmn-engine's CPU per execute-to-first-wait and per recover → resume → signal → getState
// step (process.cpuUsage), on the same diagram. CPU time still varies by ~10 % under load; compare runs back to back.
// Usage: npm run build && node scripts/bench/cpu-cost.mjs [starts=1500]
//   ONLY=start: starts only; NODE_ARGS='--cpu-prof --cpu-prof-dir=DIR': the server's node flags; ENGINE_CACHE_MIB etc. pass through;
//   DB=postgres: a fresh PostgreSQL database on TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test) instead of
//   SQLite; CONNECTIONS=n: autocannon's connections (8); SERVER_STDOUT=1: the server's stdout shown (for --trace-gc).
//   Each figure also carries the run's requests/s and p50 in ms (wall clock: noisy on a shared machine).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from 'bpmn-engine';
import { api, freshPostgres, startServer } from './lib/server.mjs';
import { loadCompletions, loadStarts } from './lib/http-load.mjs';
import { openKnex } from './lib/bulk.mjs';
import { completionBody } from './lib/soak.mjs';
import { loadDiagram, sourcelessState as sourceless } from './lib/engine-baseline.mjs';

const KEY = 'bkd-kalteng-konsultasi-ekinerja';
const N = Number(process.argv[2] ?? 1500);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 8);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

async function bare() {
  const { sourceContext, baseEngineOptions: options } = await loadDiagram(KEY);
  const states = [];
  const exec = async () => { const e = new Engine({ ...options, name: KEY, sourceContext }); await e.execute({ variables: {} }); return sourceless(e); };
  for (let i = 0; i < 50; i++) await exec();
  let c = cpu();
  for (let i = 0; i < 400; i++) states.push(JSON.parse(JSON.stringify(await exec())));
  const execMs = (cpu() - c) / 400;
  const step = async (state) => {
    const e = new Engine({ ...options, name: KEY, sourceContext });
    e.recover(state);
    await e.resume();
    const w = e.execution.getPostponed().filter((a) => a.type === 'bpmn:UserTask');
    for (const d of e.execution.definitions) for (const p of d.getRunningProcesses()) p.environment.assignVariables({ penjelasanCukup: 'tidak' });
    e.execution.signal({ id: w[0].id, executionId: w[0].executionId });
    return sourceless(e);
  };
  for (let i = 0; i < 50; i++) await step(states[i]);
  c = cpu();
  for (const s of states) await step(s);
  const stepMs = (cpu() - c) / states.length;
  return { execMs, stepMs };
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpu-cost-'));
const b1 = await bare();
const pgDb = process.env.DB === 'postgres' ? await freshPostgres(process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : null;
const databaseUrl = pgDb ? pgDb.url : `sqlite:${path.join(workDir, 'db.sqlite')}`;
const wall = (r) => ({ perSecond: +r.perSecond.toFixed(1), p50: r.p50 });
const server = await startServer({ databaseUrl, workDir, nodeArgs: (process.env.NODE_ARGS ?? '').split(' ').filter(Boolean) });
try {
  const def = await api(server.base, 'GET', `/definitions/${KEY}`, server.admin);
  const user = await api(server.base, 'POST', '/users', server.admin, { name: 'cpu', roles: def.roles.map((r) => r.id) });
  await loadStarts({ base: server.base, token: user.token, key: KEY, connections: CONNECTIONS, amount: 300 });
  let c = server.cpuMs();
  const s = await loadStarts({ base: server.base, token: user.token, key: KEY, connections: CONNECTIONS, amount: N });
  const startMs = (server.cpuMs() - c) / s.ok;
  if (process.env.ONLY === 'start') {
    console.log(JSON.stringify({ start: { serviceCpuMs: +startMs.toFixed(2), non2xx: s.non2xx, ...wall(s) } }));
    await server.stop();
    await pgDb?.drop();
    process.exit(0);
  }
  const knex = openKnex(databaseUrl);
  const ids = (await knex('tasks').select('id').where({ element_id: 'register-request', status: 'open' }).orderBy('created_at')).map((r) => r.id);
  await knex.destroy();
  const sample = await api(server.base, 'GET', `/tasks/${ids[0]}`, user.token);
  const body = completionBody(sample);
  await loadCompletions({ base: server.base, token: user.token, ids: ids.slice(0, 300), body: () => body, connections: CONNECTIONS });
  c = server.cpuMs();
  const r = await loadCompletions({ base: server.base, token: user.token, ids: ids.slice(300), body: () => body, connections: CONNECTIONS });
  const completeMs = (server.cpuMs() - c) / r.ok;
  const b2 = await bare();
  const execMs = (b1.execMs + b2.execMs) / 2, stepMs = (b1.stepMs + b2.stepMs) / 2;
  console.log(JSON.stringify({ start: { serviceCpuMs: +startMs.toFixed(2), bareCpuMs: +execMs.toFixed(2), ratio: +(execMs / startMs).toFixed(2), non2xx: s.non2xx, ...wall(s) }, complete: { serviceCpuMs: +completeMs.toFixed(2), bareCpuMs: +stepMs.toFixed(2), ratio: +(stepMs / completeMs).toFixed(2), non2xx: r.non2xx, ...wall(r) } }));
} finally {
  await server.stop();
  await pgDb?.drop();
  fs.rmSync(workDir, { recursive: true, force: true });
}
