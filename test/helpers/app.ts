// Builds the real app on a fresh SQLite file for a test, with a movable clock and helpers to call it.
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { tempDir } from './temp-dir.js';
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export { tempDir };

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const REPO_PROCESSES = path.resolve(import.meta.dirname, '..', '..', 'processes');
export const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures');
/** The IEEE 1849 XES schema (`xes.xsd`) and its hand-written samples, copied from shared/conformance/xes. */
export const XES_DIR = path.join(FIXTURES, 'xes');

export class TestClock {
  constructor(public now: Date = new Date('2026-03-02T01:00:00Z')) {}
  readonly fn = (): Date => new Date(this.now.getTime());
  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }
  set(iso: string): void {
    this.now = new Date(iso);
  }
}

export interface TestApp {
  app: FastifyInstance;
  databaseUrl: string;
  dir: string;
  dbFile: string;
  clock: TestClock;
  call(method: string, url: string, token?: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  user(roles: string[], name?: string): Promise<{ id: string; token: string }>;
  close(): Promise<void>;
}

/** The server the PostgreSQL variants use; each test app gets a database of its own there. */
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type TestDatabase = 'sqlite' | 'postgres';

let pgReachable: Promise<boolean> | undefined;
/** Whether the local PostgreSQL answers (CI's .ci/run makes sure it does). */
export function postgresAvailable(): Promise<boolean> {
  pgReachable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch {
      return false;
    }
  })();
  return pgReachable;
}

/** The databases a database-facing test runs on: SQLite always, PostgreSQL when it answers. */
export async function testDatabases(): Promise<TestDatabase[]> {
  return (await postgresAvailable()) ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A fresh PostgreSQL database for one test, dropped when the test ends. */
export async function freshPostgresUrl(t: { teardown(fn: () => void | Promise<void>): void }): Promise<string> {
  const name = `sop_t_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const admin = async (sql: string) => {
    const client = new pg.Client(PG_ADMIN_URL);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  t.teardown(() => admin(`drop database if exists ${name} with (force)`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface TestAppOptions {
  /** Default sqlite; `postgres` gives the app a fresh database on the local server. */
  database?: TestDatabase;
  /** Reuse a database (a restart test); wins over `database`. */
  databaseUrl?: string;
  processesDir?: string;
  dir?: string;
  clock?: TestClock;
  app?: AppOptions;
  /** `ENGINE_CACHE_MIB`; 0 keeps no live engine, so every request recovers its instance from the database. */
  engineCacheMiB?: number;
  /** More environment for loadConfig (SMTP_URL, WEBHOOK_URL …); OUTBOX_POLL_MS is 0 unless given (tests call the tick). */
  env?: Record<string, string>;
  /** `LOG_LEVEL`; default `silent` (a test that reads the log sets `info` and `app.logStream`). */
  logLevel?: string;
}


export async function startApp(t: { teardown(fn: () => void | Promise<void>): void }, options: TestAppOptions = {}): Promise<TestApp> {
  const dir = options.dir ?? tempDir(t);
  const dbFile = path.join(dir, 'sop.db');
  const clock = options.clock ?? new TestClock();
  const databaseUrl = options.databaseUrl ?? (options.database === 'postgres' ? await freshPostgresUrl(t) : `sqlite:${dbFile}`);
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    AUDIT_KEY_FILE: path.join(dir, 'audit-signing-key.pem'),
    CONTENT_KEY_FILE: path.join(dir, 'content-key'),
    ADMIN_TOKEN,
    PROCESSES_DIR: options.processesDir ?? REPO_PROCESSES,
    LOG_LEVEL: options.logLevel ?? 'silent',
    ...(options.engineCacheMiB === undefined ? {} : { ENGINE_CACHE_MIB: String(options.engineCacheMiB) }),
    OUTBOX_POLL_MS: '0',
    ...options.env,
  });
  const app = await buildApp(config, { clock: clock.fn, sweepIntervalMs: 0, jobExecutor: false, ...options.app });
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await app.close();
    }
  };
  t.teardown(close);
  const call = (method: string, url: string, token?: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      ...(body === undefined ? {} : typeof body === 'string' ? { payload: body } : { payload: body as object }),
    });
  const user = async (roles: string[], name = 'tester') => {
    const res = await call('POST', '/users', ADMIN_TOKEN, { name, roles });
    if (res.statusCode !== 201) throw new Error(`POST /users → ${res.statusCode} ${res.body}`);
    const json = res.json() as { id: string; token: string };
    return { id: json.id, token: json.token };
  };
  return { app, databaseUrl, dir, dbFile, clock, call, user, close };
}
