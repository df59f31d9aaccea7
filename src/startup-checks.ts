// Start-up failures as one line naming the variable and the cause: the listen address is tried before the database
// is touched, and what the listen or the database connection throws is translated here, never printed as a stack.
import net from 'node:net';
import type { Config } from './config.js';

/** A start-up failure already phrased for the operator: one line naming the variable and the cause. */
export class StartupError extends Error {}

/** The errno-style code of a Node or driver error (`EADDRINUSE`, `ECONNREFUSED`, PostgreSQL's SQLSTATE …). */
const codeOf = (err: unknown): string => String((err as { code?: unknown } | null)?.code ?? '');

/**
 * One line for an error of listening on `host:port`: EADDRINUSE and EACCES name PORT, an address that does not
 * resolve or is not this machine's names HOST. Undefined for anything else.
 */
export function listenFailure(err: unknown, host: string, port: number): string | undefined {
  const code = codeOf(err);
  switch (code) {
    case 'EADDRINUSE':
      return `PORT: ${port} is already in use on ${host} (EADDRINUSE): stop what listens there or choose another PORT`;
    case 'EACCES':
      return `PORT: listening on ${port} is not permitted (EACCES): ports below 1024 need privileges; choose another PORT`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return `HOST: '${host}' does not resolve to an address (${code}): use an IP address such as 127.0.0.1 or a known host name`;
    case 'EADDRNOTAVAIL':
      return `HOST: ${host} is not an address of this machine (EADDRNOTAVAIL): use 127.0.0.1, 0.0.0.0 or one of its addresses`;
    default:
      return undefined;
  }
}

/**
 * Tries the listen address with a throw-away server and closes it again, so a busy port or a bad HOST stops the
 * service before migrations and deploys touch the database. Throws StartupError naming PORT or HOST.
 */
export async function probeListenAddress(host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err) => reject(new StartupError(listenFailure(err, host, port) ?? `HOST/PORT: cannot listen on ${host}:${port}: ${(err as Error).message}`)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}

/** The database's address without user or password, as the operator wrote it. */
function databaseAddress(databaseUrl: string): string {
  if (databaseUrl.startsWith('sqlite:')) return databaseUrl;
  try {
    const url = new URL(databaseUrl);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return 'the PostgreSQL server';
  }
}

/** Causes of a failed database connection, by errno code or PostgreSQL SQLSTATE. */
const DATABASE_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'nothing accepts connections there; is PostgreSQL running?',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve',
  ETIMEDOUT: 'the server did not answer in time',
  EHOSTUNREACH: 'the host is unreachable',
  '28P01': 'the password was refused',
  '28000': 'the user may not connect',
  '3D000': 'the database does not exist',
  SQLITE_CANTOPEN: 'the file cannot be opened or created; does its folder exist and may the service write there?',
  SQLITE_READONLY: 'the file is read-only',
  SQLITE_NOTADB: 'the file is not a SQLite database',
};

/** One line for an error of reaching the database, or undefined when the error is not one of those. */
export function databaseFailure(err: unknown, databaseUrl: string): string | undefined {
  const code = codeOf(err);
  const cause = DATABASE_CAUSES[code] ?? (code === 'ERR_INVALID_URL' ? 'the URL is malformed' : undefined);
  return cause === undefined ? undefined : `DATABASE_URL: cannot use ${databaseAddress(databaseUrl)} (${code}): ${cause}`;
}

/**
 * The one line to print for a failed start: a StartupError's own (listen failures are wrapped as they happen, see
 * `listenOrExplain`), else a database failure's; undefined when the failure is not a known start-up cause.
 */
export function describeStartupFailure(err: unknown, config: Pick<Config, 'databaseUrl'> | undefined): string | undefined {
  if (err instanceof StartupError) return err.message;
  return config === undefined ? undefined : databaseFailure(err, config.databaseUrl);
}

/** Runs `listen`, turning a failure to listen on `host:port` into a StartupError naming PORT or HOST. */
export async function listenOrExplain(host: string, port: number, listen: () => Promise<unknown>): Promise<void> {
  try {
    await listen();
  } catch (err) {
    const line = listenFailure(err, host, port);
    throw line === undefined ? err : new StartupError(line, { cause: err });
  }
}
