// Checkpoints an SQLite file's write-ahead log from a worker thread, so that serving requests never waits for it.
// SQLite's automatic checkpoint runs inside the COMMIT that crosses 1,000 WAL pages, with an fsync of the database
// file: about 18 ms in which the event loop stood still, once every ~60 state changes, and 70 % of all commit time
// under load (docs/BENCHMARKS.md). The serving connection turns it off (wal_autocheckpoint = 0) and this thread copies the log
// back with PASSIVE checkpoints, which never block a writer. Under steady writes a passive pass never catches up
// with the end of the log, so the log would never start over: once it holds `restartFrames`, a RESTART checkpoint
// copies the few frames the passive pass left, holding writers back for that short while, and the next write
// starts the log from its beginning again (the serving connection's journal_size_limit trims the file then).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface CheckpointerOptions {
  /** How often a passive checkpoint runs. */
  intervalMs?: number;
  /** Frames in the log at which a checkpoint waits for the writer and lets the log start over. */
  restartFrames?: number;
}

export interface WalCheckpointer {
  /** Runs a last checkpoint and ends the thread. */
  stop(): Promise<void>;
}

// The worker's code is this module's own constant, run with `eval`; nothing in it comes from outside.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename);
db.pragma('busy_timeout = 5000');
function pass() {
  try {
    const [frames] = db.pragma('wal_checkpoint(PASSIVE)');
    if (frames && frames.log >= workerData.restartFrames) db.pragma('wal_checkpoint(RESTART)');
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
}
const timer = setInterval(pass, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  pass();
  db.close();
  parentPort.postMessage({ stopped: true });
});
`;

/** Starts the checkpointing thread for an SQLite file in WAL mode. It never keeps the process alive by itself. */
export function startWalCheckpointer(filename: string, onError: (message: string) => void, options: CheckpointerOptions = {}): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, filename: fs.realpathSync(filename), intervalMs: options.intervalMs ?? 100, restartFrames: options.restartFrames ?? 4096 },
  });
  worker.unref();
  let exited = false;
  worker.once('exit', () => {
    exited = true;
  });
  let stopped: Promise<void> | undefined;
  worker.on('message', (m: { error?: string }) => {
    if (m.error) onError(m.error);
  });
  worker.on('error', (err) => onError(err.message));
  return {
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (exited) return resolve();
        const done = () => resolve();
        worker.once('exit', done);
        worker.on('message', (m: { stopped?: boolean }) => {
          if (m.stopped) void worker.terminate().then(done, done);
        });
        worker.postMessage('stop');
      });
      return stopped;
    },
  };
}
