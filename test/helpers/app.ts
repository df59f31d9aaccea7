// Builds the real app on a fresh SQLite file for a test, with a movable clock and helpers to call it.
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { tempDir } from './temp-dir.js';

export { tempDir };

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const REPO_PROCESSES = path.resolve(import.meta.dirname, '..', '..', 'processes');
export const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures');

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
  dir: string;
  dbFile: string;
  clock: TestClock;
  call(method: string, url: string, token?: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  user(roles: string[], name?: string): Promise<{ id: string; token: string }>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  processesDir?: string;
  dir?: string;
  clock?: TestClock;
  app?: AppOptions;
}


export async function startApp(t: { teardown(fn: () => void | Promise<void>): void }, options: TestAppOptions = {}): Promise<TestApp> {
  const dir = options.dir ?? tempDir(t);
  const dbFile = path.join(dir, 'sop.db');
  const clock = options.clock ?? new TestClock();
  const config = loadConfig({
    DATABASE_URL: `sqlite:${dbFile}`,
    ADMIN_TOKEN,
    PROCESSES_DIR: options.processesDir ?? REPO_PROCESSES,
    LOG_LEVEL: 'silent',
  });
  const app = await buildApp(config, { clock: clock.fn, sweepIntervalMs: 0, ...options.app });
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
  return { app, dir, dbFile, clock, call, user, close };
}
