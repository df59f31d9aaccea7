// Start-up failures stop the service with one line naming the variable and the cause, before the database is
// touched where the cause is the listen address: a busy port, a bad HOST, an empty number, an unreachable database.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { databaseFailure, describeStartupFailure, probeListenAddress, StartupError } from '../src/startup-checks.js';
import { tempDir } from './helpers/app.js';

const run = promisify(execFile);
const SERVER = path.resolve(import.meta.dirname, '..', 'src', 'server.ts');

/** A port something already listens on, released when the test ends. */
async function busyPort(t: { teardown(fn: () => void): void }): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  t.teardown(() => server.close());
  return (server.address() as net.AddressInfo).port;
}

/** Runs the real server entry point with `env`; resolves with its exit code and stderr. */
async function start(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [...process.execArgv, SERVER], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, timeout: 60_000 });
    return { code: 0, stderr: '' };
  } catch (err) {
    const failed = err as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

t.test('an empty number is refused, not read as 0', async (t) => {
  for (const name of ['PORT', 'WORKERS', 'ENGINE_CACHE_MIB', 'SQLITE_CACHE_MIB', 'JOB_POLL_MS']) {
    t.throws(() => loadConfig({ [name]: '' }), new RegExp(`${name}: is empty`), name);
    t.throws(() => loadConfig({ [name]: '12abc' }), new RegExp(`${name}: must be a whole number`), name);
  }
  t.equal(loadConfig({}).port, 3000);
  t.equal(loadConfig({}).jobPollMs, 10_000);
  t.equal(loadConfig({ PORT: ' 8080 ' }).port, 8080);
  t.equal(loadConfig({ PORT: '0' }).port, 0, 'an explicit 0 still asks for a free port');
});

t.test('a busy port and a bad HOST are named before anything listens', async (t) => {
  const port = await busyPort(t);
  await t.rejects(probeListenAddress('127.0.0.1', port), new StartupError(`PORT: ${port} is already in use on 127.0.0.1 (EADDRINUSE): stop what listens there or choose another PORT`));
  await t.rejects(probeListenAddress('no-such-host.invalid', 0), { message: /^HOST: 'no-such-host\.invalid' does not resolve to an address \((ENOTFOUND|EAI_AGAIN|EAI_FAIL)\)/ });
  await t.rejects(probeListenAddress('192.0.2.1', 0), { message: /^HOST: 192\.0\.2\.1 is not an address of this machine \(EADDRNOTAVAIL\)/ });
  await t.resolves(probeListenAddress('127.0.0.1', 0));
});

t.test('an unreachable PostgreSQL is one line naming DATABASE_URL, without the password', async (t) => {
  const dir = tempDir(t);
  const config = loadConfig({
    DATABASE_URL: 'postgres://sop:rahasia@127.0.0.1:1/sop',
    AUDIT_KEY_FILE: path.join(dir, 'k.pem'),
    CONTENT_KEY_FILE: path.join(dir, 'content-key'),
    LOG_LEVEL: 'silent',
  });
  const err = await buildApp(config).then(
    () => undefined,
    (e: unknown) => e,
  );
  const line = describeStartupFailure(err, config);
  t.equal(line, 'DATABASE_URL: cannot use postgres://127.0.0.1:1/sop (ECONNREFUSED): nothing accepts connections there; is PostgreSQL running?');
  t.notMatch(line, /rahasia/);
  t.equal(databaseFailure(Object.assign(new Error('x'), { code: 'SQLITE_CANTOPEN' }), 'sqlite:/nope/sop.db')?.startsWith('DATABASE_URL: cannot use sqlite:/nope/sop.db (SQLITE_CANTOPEN)'), true);
  t.equal(describeStartupFailure(new Error('something else'), config), undefined, 'an unknown failure keeps its stack');
});

t.test('npm start on a busy port stops with one line and leaves the database untouched', async (t) => {
  const dir = tempDir(t);
  const port = await busyPort(t);
  const dbFile = path.join(dir, 'sop.db');
  const { code, stderr } = await start({ PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${dbFile}`, PROCESSES_DIR: dir, AUDIT_KEY_FILE: path.join(dir, 'k.pem'), CONTENT_KEY_FILE: path.join(dir, 'ck') });
  t.equal(code, 1);
  t.equal(stderr, `PORT: ${port} is already in use on 127.0.0.1 (EADDRINUSE): stop what listens there or choose another PORT\n`);
  t.notOk(fs.existsSync(dbFile), 'no database file was created or migrated');

  const empty = await start({ PORT: '', DATABASE_URL: `sqlite:${dbFile}` });
  t.equal(empty.code, 1);
  t.match(empty.stderr, /^invalid configuration: PORT: is empty[^\n]*\n$/);
});
