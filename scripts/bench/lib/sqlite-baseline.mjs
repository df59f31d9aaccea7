// Baseline 2: raw SQLite transactions doing the writes of one task completion, with better-sqlite3 prepared
// statements on a database migrated by the service (same schema, indexes, WAL, synchronous=NORMAL): the
// instance's new state under its revision check, the task's completion, the next task, two audit events on
// the chain head. No HTTP, no engine, no query builder: what the database alone allows.
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { root } from './server.mjs';

const dist = (p) => import(path.join(root, 'dist', p));

/** A state the size the service stores: the Kalteng instance's bpmn-engine state after its start. */
async function realisticState(key) {
  const { loadDiagram } = await import('./engine-baseline.mjs');
  const { ProcessRuntime } = await dist('src/engine/process-runtime.js');
  const { compiled } = await loadDiagram(key);
  const runtime = new ProcessRuntime({ cacheBytes: 0 });
  const result = await runtime.start('baseline', key, compiled, {}, async (r) => r);
  return JSON.stringify(result.state);
}

export async function sqliteBaseline({ file, key = 'bkd-kalteng-konsultasi-ekinerja', seconds = 5, prepared = 20_000 }) {
  const { openDatabase } = await dist('src/db/knex.js');
  const { migrateToLatest } = await dist('src/db/migrate.js');
  const db = openDatabase(`sqlite:${file}`);
  await migrateToLatest(db.knex);
  await db.knex.destroy();
  const state = await realisticState(key);

  const sql = new Database(file);
  sql.pragma('journal_mode = WAL');
  sql.pragma('synchronous = NORMAL');
  sql.pragma('foreign_keys = ON');
  sql.pragma('busy_timeout = 5000');
  const defId = randomUUID();
  sql.prepare(`insert into definitions (id, key, version, name, xml, hash, metadata, deployed_at) values (?, ?, 1, ?, '<x/>', ?, '{}', ?)`).run(defId, key, key, '0'.repeat(64), new Date().toISOString());
  const now = () => new Date().toISOString();
  const insInstance = sql.prepare(
    `insert into instances (id, definition_id, definition_key, version, business_key, status, started_by, started_at, variables, engine_state, rev) values (?, ?, ?, 1, null, 'running', 'u', ?, '{}', ?, 1)`,
  );
  const taskCols = ['id', 'instance_id', 'definition_id', 'definition_key', 'version', 'element_id', 'execution_id', 'name', 'step', 'role', 'status', 'created_at', 'due_at', 'standard_ms'];
  const insTask = sql.prepare(`insert into tasks (${taskCols.join(', ')}) values (${taskCols.map(() => '?').join(', ')})`);
  const open = [];
  sql.transaction(() => {
    for (let i = 0; i < prepared; i++) {
      const inst = randomUUID();
      const task = randomUUID();
      insInstance.run(inst, defId, key, now(), state);
      insTask.run(task, inst, defId, key, 1, 'register-request', 'register-request_1', 'Menerima dan mengagendakan permohonan', '1', 'bkd-kalteng/jfu-tu', 'open', now(), now(), 300000);
      open.push([inst, task]);
    }
  })();

  const advance = sql.prepare(`update instances set rev = ?, engine_state = ?, variables = ? where id = ? and rev = ?`);
  const complete = sql.prepare(
    `update tasks set status = 'completed', completed_at = ?, completed_by = ?, assignee = ?, documents = ?, output = ?, variables = ?, working_ms = ?, wall_ms = ?, breached = ? where id = ? and status in ('open', 'claimed')`,
  );
  const openFor = sql.prepare(`select * from tasks where instance_id = ? and status in ('open', 'claimed') order by created_at`);
  const head = sql.prepare(`select * from audit_head where id = 1`);
  const auditCols = ['seq', 'at', 'type', 'definition_key', 'version', 'instance_id', 'task_id', 'element_id', 'step', 'user_id', 'role', 'documents', 'output', 'working_ms', 'wall_ms', 'standard_ms', 'breached', 'data', 'prev_hash', 'hash'];
  const insEvent = sql.prepare(`insert into audit_events (${auditCols.join(', ')}) values (${auditCols.map(() => '?').join(', ')})`);
  const setHead = sql.prepare(`update audit_head set seq = ?, hash = ? where id = 1`);
  const append = (row) => {
    const h = head.get();
    const seq = Number(h.seq) + 1;
    const values = [seq, row.at, row.type, key, 1, row.instance, row.task, row.element, '1', 'u', 'bkd-kalteng/jfu-tu', row.documents, row.output, row.working, row.working, 300000, row.breached, row.data, h.hash];
    const hash = createHash('sha256').update(JSON.stringify(values)).digest('hex');
    insEvent.run(...values, hash);
    setHead.run(seq, hash);
  };
  const documents = JSON.stringify([{ name: 'Lembar Konsultasi', ref: 'LK-1' }]);
  const output = JSON.stringify([{ name: 'Data Pemohon' }, { name: 'Lembar Konsultasi' }]);
  const one = sql.transaction(([inst, task]) => {
    const at = now();
    if (advance.run(2, state, '{}', inst, 1).changes !== 1) throw new Error('revision check failed');
    if (complete.run(at, 'u', 'u', documents, output, '{}', 60000, 60000, 0, task).changes !== 1) throw new Error('task not open');
    append({ at, type: 'task.completed', instance: inst, task, element: 'register-request', documents, output, working: 60000, breached: 0, data: '{"variables":{}}' });
    openFor.all(inst);
    const next = randomUUID();
    insTask.run(next, inst, defId, key, 1, 'assign-escort', 'assign-escort_1', 'Menugaskan Staf', null, 'bkd-kalteng/kasubbid-umum-kepegawaian', 'open', at, at, 300000);
    append({ at, type: 'task.created', instance: inst, task: next, element: 'assign-escort', documents: null, output: null, working: null, breached: null, data: null });
  });
  let done = 0;
  const t0 = performance.now();
  while (done < open.length && performance.now() - t0 < seconds * 1000) one(open[done++]);
  const ms = performance.now() - t0;
  sql.close();
  return { transactions: done, ms, perSecond: (done / ms) * 1000, stateBytes: state.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const os = await import('node:os');
  const fs = await import('node:fs');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sop-bench-'));
  console.log(await sqliteBaseline({ file: path.join(dir, 'raw.db'), seconds: 3, prepared: 5000 }));
  fs.rmSync(dir, { recursive: true, force: true });
}
