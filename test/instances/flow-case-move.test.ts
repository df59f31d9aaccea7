// Cases stored by the retired flow interpreter (the fixture made at 0b34700, test/fixtures/flow-cases/) are moved
// to bpmn-engine at start and then go on along exactly the path the interpreter took; the corrupted one is left
// unmoved, readable, and refused with its reason; a second move changes nothing.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, freshPostgresUrl, startApp, tempDir, testDatabases, type TestApp, type TestDatabase } from '../helpers/app.js';
import { openDatabase } from '../../src/db/knex.js';
import { migrateToLatest, migrateUpTo } from '../../src/db/migrate.js';
import { createServices } from '../../src/services.js';
import { loadSigningKey } from '../../src/audit/signing-key.js';
import { contentCipher, loadContentKeyFile } from '../../src/privacy/content-cipher.js';
import type { Knex } from 'knex';

const FIXTURE = path.join(FIXTURES, 'flow-cases');

interface Dump {
  migrations: string[];
  tables: Record<string, Array<Record<string, unknown>>>;
  cases: Array<{ label: string; id: string; definitionKey: string; user: string }>;
}
type Paths = Record<string, { label: string; definitionKey: string; broken: boolean; completions: Array<{ elementId: string; variables: Record<string, unknown> }> }>;
type Users = Record<string, { id: string; token: string; roles: string[] }>;

const read = <T>(name: string): T => JSON.parse(fs.readFileSync(path.join(FIXTURE, name), 'utf8')) as T;
const dump = read<Dump>('database.json');
const paths = read<Paths>('expected-paths.json');
const users = read<Users>('users.json');
const tokenOf = (userId: string) => Object.values(users).find((u) => u.id === userId)?.token;
const broken = Object.entries(paths).filter(([, p]) => p.broken).map(([id]) => id);
const movable = Object.entries(paths).filter(([, p]) => !p.broken);

const decode = (row: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v !== null && typeof v === 'object' && '$base64' in v ? Buffer.from(String((v as { $base64: string }).$base64), 'base64') : v]));

/** A database at the fixture's schema (007) holding its rows, with the fixture's keys beside it. */
async function loadFixture(t: Parameters<typeof startApp>[0], database: TestDatabase): Promise<{ databaseUrl: string; dir: string }> {
  const dir = tempDir(t);
  for (const f of ['audit-signing-key.pem', 'content-key']) fs.copyFileSync(path.join(FIXTURE, f), path.join(dir, f));
  const databaseUrl = database === 'postgres' ? await freshPostgresUrl(t) : `sqlite:${path.join(dir, 'sop.db')}`;
  const db = openDatabase(databaseUrl);
  try {
    await migrateUpTo(db.knex, dump.migrations.at(-1) as string);
    await db.knex.transaction(async (trx) => {
      await trx('audit_head').del();
      for (const [table, rows] of Object.entries(dump.tables)) {
        for (let i = 0; i < rows.length; i += 50) await trx(table).insert(rows.slice(i, i + 50).map(decode));
      }
    });
  } finally {
    await db.close();
  }
  return { databaseUrl, dir };
}

async function openTasks(app: TestApp, instanceId: string): Promise<Array<{ id: string; elementId: string; assignee: string | null; requires: string[]; output: string[] }>> {
  return (await app.call('GET', `/tasks?instanceId=${instanceId}&limit=200`, ADMIN_TOKEN)).json().items;
}

/** Every row the move may touch, to compare before and after. */
async function rows(app: TestApp) {
  const { knex } = app.app.services.db;
  const all = async (table: string, order: string) => (await knex(table).select('*').orderBy(order)).map((r: Record<string, unknown>) => ({ ...r, sealed_content: undefined }));
  return { instances: await all('instances', 'id'), tasks: await all('tasks', 'id'), audit: await all('audit_events', 'seq'), head: await all('audit_head', 'id'), moves: await all('engine_moves', 'instance_id') };
}

for (const database of await testDatabases()) {
  t.test(`cases stored by the flow interpreter move to bpmn-engine and go on along their recorded paths (${database})`, async (t) => {
    const { databaseUrl, dir } = await loadFixture(t, database);
    const app = await startApp(t, { databaseUrl, dir });
    app.clock.set('2026-03-05T01:00:00Z');

    const report = (await app.call('GET', '/engine-moves', ADMIN_TOKEN)).json();
    t.equal(report.moved, movable.length, 'every open case but the broken one moved');
    t.same(report.items.filter((m: { outcome: string }) => m.outcome === 'moved').map((m: { instanceId: string }) => m.instanceId).sort(), movable.map(([id]) => id).sort());
    t.equal(report.unmoved, 1);
    t.match(report.items.find((m: { instanceId: string }) => m.instanceId === broken[0]), { outcome: 'unmoved', reason: /replay diverged: step 2 \(write-problem-report\)/ });
    const staff = Object.values(users).find((u) => u.roles.length > 0) as Users[string];
    t.equal((await app.call('GET', '/engine-moves', staff.token)).statusCode, 403, 'the report is for admins');

    const detail = await app.call('GET', `/instances/${broken[0]}`, ADMIN_TOKEN);
    t.equal(detail.statusCode, 200, 'the unmoved case is still readable');
    t.same(detail.json().openTasks.map((x: { elementId: string }) => x.elementId), ['hold-meeting-1']);
    const [stuck] = await openTasks(app, broken[0] as string);
    const refused = await app.call('POST', `/tasks/${stuck?.id}/complete`, ADMIN_TOKEN, { documents: stuck?.requires.map((name) => ({ name })), output: stuck?.output.map((name) => ({ name })), variables: { catatanPertemuan1: 'uji', tindakLanjut1: 'lanjut' } });
    t.equal(refused.statusCode, 409);
    t.match(refused.json(), { code: 'SOP_ERR_CASE_NOT_MOVED', details: { instanceId: broken[0], reason: /replay diverged/ } });

    for (const [id, expected] of movable) {
      const trail = (await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events as Array<{ type: string }>;
      t.equal(trail.filter((e) => e.type === 'instance.moved').length, 1, `${expected.label}: one instance.moved event`);
      for (const [i, step] of expected.completions.entries()) {
        const open = await openTasks(app, id);
        t.same(open.map((x) => x.elementId), [step.elementId], `${expected.label}: step ${i + 1} is ${step.elementId}`);
        const task = open[0];
        if (!task || task.elementId !== step.elementId) break;
        const user = dump.cases.find((c) => c.id === id)?.user as string;
        const token = (task.assignee ? tokenOf(task.assignee) : undefined) ?? (users[user] as Users[string]).token;
        app.clock.advance(60_000);
        const body = { documents: task.requires.map((name) => ({ name })), output: task.output.map((name) => ({ name })), variables: step.variables };
        const res = await app.call('POST', `/tasks/${task.id}/complete`, token, body);
        t.equal(res.statusCode, 200, res.statusCode === 200 ? `${expected.label}: ${step.elementId} completed` : res.body);
      }
      t.equal((await app.call('GET', `/instances/${id}`, ADMIN_TOKEN)).json().status, 'completed', `${expected.label} ended where the interpreter ended it`);
    }
    for (const c of dump.cases.filter((x) => !(x.id in paths))) {
      t.equal((await app.call('GET', `/instances/${c.id}`, ADMIN_TOKEN)).statusCode, 200, `${c.label} (not running) is read as before`);
    }
    t.match((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
  });

  t.test(`moving twice changes nothing (${database})`, async (t) => {
    const { databaseUrl, dir } = await loadFixture(t, database);
    const first = await startApp(t, { databaseUrl, dir });
    const before = await rows(first);
    t.same(await first.app.services.flowCases.run(), { moved: 0, unmoved: 1, skipped: 0 }, 'only the unmoved case is tried again');
    t.same(await rows(first), before, 'a second run in the same process');
    await first.close();
    const second = await startApp(t, { databaseUrl, dir });
    t.same(await rows(second), before, 'a restart');
    t.match((await second.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
  });
}

t.test('processes moving at once on PostgreSQL move each case once', { skip: !(await testDatabases()).includes('postgres') && 'PostgreSQL not available' }, async (t) => {
  const { databaseUrl, dir } = await loadFixture(t, 'postgres');
  // Services over pools of their own, as separate processes have: each replays every case, one commits each.
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
  const keys = { signing: loadSigningKey(path.join(dir, 'audit-signing-key.pem')), content: contentCipher(loadContentKeyFile(path.join(dir, 'content-key'))) };
  const dbs = [1, 2, 3].map(() => openDatabase(databaseUrl));
  t.teardown(() => Promise.all(dbs.map((db) => db.close())));
  await migrateToLatest(dbs[0]?.knex as Knex);
  const summaries = await Promise.all(dbs.map((db) => createServices(db, quiet, () => new Date('2026-03-05T01:00:00Z'), keys).flowCases.run()));
  t.equal(summaries.reduce((n, s) => n + s.moved, 0), movable.length, `moved once in all: ${JSON.stringify(summaries)}`);
  t.ok(summaries.every((s) => s.unmoved === 1), 'each found the broken case unmoved');
  const { knex } = dbs[0] as { knex: Knex };
  const events = (await knex('audit_events').where({ type: 'instance.moved' }).select('instance_id')) as Array<{ instance_id: string }>;
  t.same(events.map((e) => e.instance_id).sort(), movable.map(([id]) => id).sort(), 'one instance.moved event per case');
  const app = await startApp(t, { databaseUrl, dir });
  t.equal((await app.call('GET', '/engine-moves', ADMIN_TOKEN)).json().moved, movable.length);
  t.match((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
});
