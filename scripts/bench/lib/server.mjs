// Spawns `node dist/src/server.js` on a free port against a temporary SQLite file or a fresh PostgreSQL
// database, and samples its memory: RSS from /proc, heap through an IPC channel (mem-probe.mjs, preloaded).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const memProbe = path.join(path.dirname(fileURLToPath(import.meta.url)), 'mem-probe.mjs');

/**
 * Sums `read(pid)` over the process `pid` and its living descendants (Linux /proc); a descendant that exits meanwhile
 * counts 0. Null when `pid` itself is gone.
 */
function overTree(pid, read) {
  try {
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return read(pid) + children.reduce((sum, c) => sum + (overTree(c, read) ?? 0), 0);
  } catch {
    return null;
  }
}

/**
 * User + system CPU in ms that the process `pid` and its descendants have used, from /proc (Linux, 100 ticks a
 * second); null when the process is gone. Threads count (the collector's helpers, SQLite's checkpointer), so over a
 * window it can exceed the window's wall time.
 */
export function cpuMsOf(pid) {
  return overTree(pid, (p) => {
    const f = fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  });
}

/** A port nobody listens on now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function pgAdmin(adminUrl, sql) {
  const c = new pg.Client(adminUrl);
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A fresh, empty PostgreSQL database on the server of `adminUrl`; drop() removes it. */
export async function freshPostgres(adminUrl) {
  const name = `sop_bench_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await pgAdmin(adminUrl, `create database ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), name, drop: () => pgAdmin(adminUrl, `drop database if exists ${name} with (force)`).catch(() => undefined) };
}

export async function postgresVersion(adminUrl) {
  try {
    return (await pgAdmin(adminUrl, 'show server_version')).rows[0].server_version;
  } catch {
    return null;
  }
}

/**
 * Starts one service process. `databaseUrl` is sqlite:<file> or postgres://…; `extraArgs` go to node
 * (e.g. --cpu-prof). Resolves when /health answers.
 */
export async function startServer({ databaseUrl, workDir, env = {}, nodeArgs = [], logLevel = 'warn' }) {
  const port = await freePort();
  const admin = `bench-admin-${randomUUID()}`;
  // A test runner's instrumentation (NODE_OPTIONS, tap's variables) must not slow the service down.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS' && !/^_?TAP/.test(k)));
  const child = spawn(process.execPath, [...nodeArgs, '--import', memProbe, path.join(root, 'dist', 'src', 'server.js')], {
    cwd: workDir,
    env: {
      ...clean,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      ADMIN_TOKEN: admin,
      AUDIT_KEY_FILE: path.join(workDir, `key-${port}.pem`),
      PROCESSES_DIR: path.join(root, 'processes'),
      LOG_LEVEL: logLevel,
      ...env,
    },
    stdio: ['ignore', process.env.SERVER_STDOUT ? 'inherit' : 'ignore', 'inherit', 'ipc'],
  });
  const base = `http://127.0.0.1:${port}`;
  const workers = Number(env.WORKERS ?? 1);
  // With cluster workers, /health answers as soon as the first listens; measure only once all of them do.
  const allListening = new Promise((resolve) => {
    if (workers <= 1) return resolve();
    child.on('message', (m) => m?.type === 'workers-listening' && resolve());
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (let i = 0; i < 600; i++) {
    if (exited) throw new Error(`server on ${port} exited at start`);
    try {
      const r = await fetch(`${base}/health`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (i === 599) throw new Error(`server on ${port} did not come up`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await Promise.race([allListening, new Promise((r) => setTimeout(r, 60_000))]);
  const pending = new Map();
  child.on('message', (m) => {
    if (m?.type === 'mem' && pending.has(m.id)) {
      pending.get(m.id)(m.collected ? { ...m.usage, collected: true, before: m.before } : m.usage);
      pending.delete(m.id);
    }
  });
  return {
    port,
    base,
    admin,
    pid: child.pid,
    child,
    /** Resident set size in bytes, from /proc (Linux): the process and, with WORKERS > 1, its workers. */
    rss: () => overTree(child.pid, (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024) ?? 0,
    /** See cpuMsOf: the server and, with WORKERS > 1, its living workers. */
    cpuMs: () => cpuMsOf(child.pid),
    /**
     * process.memoryUsage() of the server, asked over IPC; null when it did not answer within 2 s. `collect`: after a
     * full collection, when the server runs with --expose-gc (the answer then says `collected: true` and carries the
     * figures read just before the collection as `before`).
     */
    memory({ collect = false } = {}) {
      const id = randomUUID();
      return new Promise((resolve) => {
        pending.set(id, resolve);
        child.send({ type: 'mem', id, collect });
        setTimeout(() => {
          if (pending.delete(id)) resolve(null);
        }, 2000);
      });
    },
    async stop() {
      if (exited) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(t);
    },
  };
}

/** JSON over HTTP with a bearer token; throws on a status of 400 or more. */
export async function api(base, method, urlPath, token, body) {
  const res = await fetch(base + urlPath, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (res.status >= 400) throw new Error(`${method} ${urlPath} → ${res.status} ${text.slice(0, 300)}`);
  return json;
}
