// Shared by the scale scripts: their arguments, a restartable service process over the built dist/, a scratch
// database (a SQLite file in a temp dir or a fresh PostgreSQL database) and a read-only query function on it.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';

/** Resolves after `ms` milliseconds. */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** ms as seconds with one decimal, for a run's figures. */
export const seconds = (ms) => Math.round(ms / 100) / 10;

/** Waits until `done()` or `ms` pass, checking every `every` ms; returns whether it became true. */
export async function until(done, ms, every = 50) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await done()) return true;
    await sleep(every);
  }
  return false;
}

/**
 * A caller of the service's API with the bearer `token`: `call(base, method, path, body?, type?)` → { status, json };
 * a string body goes as `type` (e.g. application/xml), anything else as JSON.
 */
export function apiCaller(token) {
  return async function call(base, method, urlPath, body, type = 'application/json') {
    const res = await fetch(base + urlPath, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': type }) },
      body: body === undefined ? undefined : type === 'application/json' ? JSON.stringify(body) : body,
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
}

/** The repository root (dist/ is read from here). */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** `--name value` pairs of the command line (a bare `--flag` is 'true'). */
export function parseArgs(argv = process.argv.slice(2)) {
  return Object.fromEntries(
    argv
      .join(' ')
      .split('--')
      .filter(Boolean)
      .map((a) => {
        const [k, v] = a.trim().split(/\s+/);
        return [k, v ?? 'true'];
      }),
  );
}

/**
 * A scratch database for one run: `db` 'sqlite' (a file in a temp dir) or 'postgres' (a fresh database on the
 * server of `pgUrl`); `create()` makes it, `drop()` removes it and the temp dir.
 */
export function scratchDatabase(db, pgUrl, prefix) {
  const dbName = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix.replace(/_/g, '-')}-`));
  const sqliteFile = path.join(workDir, 'scale.db');
  const url = db === 'sqlite' ? `sqlite:${sqliteFile}` : Object.assign(new URL(pgUrl), { pathname: `/${dbName}` }).toString();
  async function admin(sql) {
    const c = new pg.Client(pgUrl);
    await c.connect();
    try {
      return await c.query(sql);
    } finally {
      await c.end();
    }
  }
  return {
    db,
    url,
    workDir,
    sqliteFile,
    async create() {
      if (db === 'postgres') await admin(`create database ${dbName}`);
    },
    async drop() {
      if (db === 'postgres') await admin(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
      fs.rmSync(workDir, { recursive: true, force: true });
    },
    /**
     * A query function `q(sql, params)` → rows, written in PostgreSQL's dialect: on SQLite `$1` becomes `?`,
     * `= any($1)` a json_each over the array's JSON text, and `::int` goes; `count(sql, params)` → the number in
     * the first row's column `n`. Returns { q, count, close }.
     */
    async reader() {
      const withCount = (q, close) => ({ q, count: async (sql, params) => Number((await q(sql, params))[0].n), close });
      if (db === 'sqlite') {
        const conn = new Database(sqliteFile, { readonly: true });
        const q = async (sql, params = []) =>
          conn
            .prepare(sql.replace(/::int/g, '').replace(/= any\(\$1\)/g, 'in (select value from json_each(?))').replace(/\$\d+/g, '?'))
            .all(...params.map((p) => (Array.isArray(p) ? JSON.stringify(p) : p)));
        return withCount(q, async () => conn.close());
      }
      const conn = new pg.Client(url);
      await conn.connect();
      return withCount(async (sql, params) => (await conn.query(sql, params)).rows, () => conn.end());
    },
  };
}

/** The PostgreSQL server the scripts make their scratch databases on, unless --pg names another. */
export const DEFAULT_PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * `processes` service processes on one scratch database, on ports `basePort`, `basePort + 1` …, each with `env`:
 * a fresh set each call (a restart with other settings is a new set on the same ports).
 */
export function serviceSet({ processes, basePort, scratch, adminToken }) {
  return (env = {}) => Array.from({ length: processes }, (_, i) => new Service(i, { port: basePort + i, dbUrl: scratch.url, adminToken, workDir: scratch.workDir, env }));
}

/** One service process (node dist/src/server.js) on `port`; restartable, killable with SIGKILL. */
export class Service {
  /** `opts`: { port, dbUrl, adminToken, workDir, env?: extra environment, e.g. JOB_POLL_MS }. */
  constructor(i, opts) {
    this.opts = opts;
    this.port = opts.port;
    this.base = `http://127.0.0.1:${this.port}`;
    this.logFile = path.join(opts.workDir, `service-${i}.log`);
    this.child = null;
    this.ready = false;
    this.starting = null;
  }
  start() {
    this.killed = false;
    this.starting ??= this.boot().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }
  /** Spawns the process and waits for /health; a process that dies while booting (a plugin timing out on a loaded machine) is spawned again, 3 tries. */
  async boot() {
    for (let attempt = 1; ; attempt++) {
      this.spawn();
      if (await this.healthy()) return;
      if (this.killed) throw new Error(`process on ${this.port} was killed while booting`);
      this.kill();
      this.killed = false;
      if (attempt === 3) throw new Error(`process on ${this.port} did not come up (${this.logFile})`);
    }
  }
  spawn() {
    // A test runner's instrumentation (NODE_OPTIONS, tap's variables) must not slow the services down.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS' && !/^_?TAP/.test(k)));
    const out = fs.openSync(this.logFile, 'a');
    const { dbUrl, adminToken, workDir } = this.opts;
    this.child = spawn(process.execPath, [path.join(root, 'dist', 'src', 'server.js')], {
      cwd: root,
      env: { ...env, PORT: String(this.port), HOST: '127.0.0.1', DATABASE_URL: dbUrl, ADMIN_TOKEN: adminToken, AUDIT_KEY_FILE: path.join(workDir, 'key.pem'), LOG_LEVEL: 'error', ...this.opts.env },
      // Error-level log lines go to a file per process: printed when the run fails.
      stdio: ['ignore', out, 'inherit'],
    });
    fs.closeSync(out);
  }
  /** Polls /health for up to 60 s; false as soon as the process has exited. */
  async healthy() {
    const child = this.child;
    for (let i = 0; i < 600; i++) {
      if (this.exited(child)) return false;
      try {
        const r = await fetch(`${this.base}/health`);
        if (r.ok) {
          this.ready = true;
          return true;
        }
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }
  exited(child) {
    return !child || child.exitCode !== null || child.signalCode !== null;
  }
  /** Resolves once `child` has exited (at once when it already has). */
  gone(child) {
    return this.exited(child) ? Promise.resolve() : new Promise((r) => child.once('exit', r));
  }
  kill() {
    this.killed = true;
    this.ready = false;
    this.child?.kill('SIGKILL');
    this.child = null;
  }
  /** SIGKILL, resolving once the process is gone. */
  async killAndWait() {
    const exited = this.gone(this.child);
    this.kill();
    await exited;
  }
  async stop() {
    if (!this.child) return;
    const exited = this.gone(this.child);
    this.child.kill('SIGTERM');
    await exited;
    this.child = null;
    this.ready = false;
  }
  /** The last `n` lines the process logged (error level). */
  tail(n = 20) {
    return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8').trim().split('\n').filter(Boolean).slice(-n) : [];
  }
}

/**
 * A scale check's cleanup: closes the database reader and each of `closers` (e.g. a receiver), stops the services
 * (killing one that does not stop), prints their last log lines when the check did not pass, drops the scratch database.
 */
export async function tearDown({ reader, services, scratch, passed, closers = [] }) {
  await reader?.close().catch(() => undefined);
  await Promise.all(services.map((s) => s.stop().catch(() => s.kill())));
  for (const close of closers) await close();
  if (!passed) for (const s of services) for (const line of s.tail()) console.error(`[service ${s.port}] ${line}`);
  await scratch.drop();
}

/** Runs a scale check's `main`: the exit code is 1 until the check sets it, so a run that stops early fails. */
export function runCheck(main) {
  process.exitCode = 1;
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
