// Starts the service: reads the config, builds the app, listens, and closes gracefully on SIGTERM/SIGINT.
// With WORKERS > 1 this process forks that many workers that share the port (node:cluster) and does nothing else.
import cluster from 'node:cluster';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { describeStartupFailure, listenOrExplain, probeListenAddress } from './startup-checks.js';

async function serve(config: Config): Promise<void> {
  const app = await buildApp(config);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  // A worker whose primary is gone (killed) closes too, instead of serving on alone.
  if (cluster.isWorker) process.once('disconnect', () => shutdown('disconnect'));
  try {
    await listenOrExplain(config.host, config.port, () => app.listen({ port: config.port, host: config.host }));
  } catch (err) {
    await app.close();
    throw err;
  }
}

/**
 * Forks the workers one after the other: the first migrates the database, deploys processes/ and seeds the
 * calendars and the admin alone; the others find that done. Every worker is a whole service on the same
 * database, so correctness rests where it does for several processes: the instance revision check and the
 * audit head's lock (on SQLite, the file's write lock taken at BEGIN IMMEDIATE). A worker that dies is replaced.
 */
async function supervise(workers: number): Promise<void> {
  let closing = false;
  const fork = () =>
    new Promise<void>((resolve, reject) => {
      const worker = cluster.fork();
      const failed = (code: number | null) => reject(new Error(`worker ${worker.process.pid} exited with ${code} while starting`));
      worker.once('exit', failed);
      worker.once('listening', () => {
        worker.off('exit', failed);
        resolve();
      });
    });
  for (let i = 0; i < workers; i++) await fork();
  cluster.on('exit', (worker, code, signal) => {
    if (closing) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    console.error(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    fork().catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  });
  const shutdown = () => {
    closing = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

let config: Config | undefined;

async function main(): Promise<void> {
  config = loadConfig();
  // A busy port or a bad HOST stops the start before migrations and deploys touch the database; workers share the
  // primary's port, which the primary has tried.
  if (cluster.isPrimary) await probeListenAddress(config.host, config.port);
  if (config.workers > 1 && cluster.isPrimary) await supervise(config.workers);
  else await serve(config);
}

main().catch((err: unknown) => {
  // Known causes are one line naming the variable; anything else keeps its stack, which its fix needs.
  console.error(err instanceof ConfigError ? err.message : (describeStartupFailure(err, config) ?? err));
  process.exit(1);
});
