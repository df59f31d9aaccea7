// A WriteGroup commits its parked writes in one transaction; when that fails, each runs again alone so that only the
// failing one fails, and a lone write that fails is not run twice.
import t from 'tap';
import type { Knex } from 'knex';
import { openDatabase } from '../../src/db/knex.js';
import { writeGroup } from '../../src/db/write-group.js';
import { freshPostgresUrl, tempDir, testDatabases } from '../helpers/app.js';

for (const database of await testDatabases()) {
  t.test(`a write group (${database})`, async (t) => {
    const url = database === 'postgres' ? await freshPostgresUrl(t) : `sqlite:${tempDir(t)}/group.db`;
    const db = openDatabase(url);
    t.teardown(() => db.close());
    await db.knex.schema.createTable('rows', (table) => table.integer('id').primary());
    const ids = async () => (await db.knex('rows').select('id').orderBy('id')).map((r: { id: number }) => Number(r.id));
    const insert = (id: number) => async (trx: Knex.Transaction) => {
      await trx('rows').insert({ id });
    };
    // Every statement's transaction, by knex's id for it.
    const transactions = new Set<string>();
    db.knex.on('query', (q: { sql: string; __knexTxId?: string }) => {
      if (/^insert/i.test(q.sql) && q.__knexTxId) transactions.add(q.__knexTxId);
    });

    const group = writeGroup(db.knex);
    const parked = group.nextPark();
    const first = group.transact(insert(1));
    await parked;
    const rest = [group.transact(insert(2)), group.transact(insert(3))];
    t.same(await ids(), [], 'nothing is written before the flush');
    await group.flush();
    await Promise.all([first, ...rest]);
    t.same(await ids(), [1, 2, 3]);
    t.equal(transactions.size, 1, 'the three writes committed in one transaction');

    transactions.clear();
    const results = [group.transact(insert(4)), group.transact(insert(1)), group.transact(insert(5))].map((p) => p.then(() => 'ok', (err: Error) => err.message));
    await group.flush();
    const [four, duplicate, five] = await Promise.all(results);
    t.equal(four, 'ok');
    t.equal(five, 'ok');
    t.match(duplicate, /UNIQUE|duplicate key/i, 'the failing write gets its own error');
    t.same(await ids(), [1, 2, 3, 4, 5], 'the others committed');
    t.equal(transactions.size, 4, 'the group once, then each write alone');

    let runs = 0;
    const lone = group.transact(async () => {
      runs++;
      throw new Error('refused');
    });
    await group.flush();
    await t.rejects(lone, { message: 'refused' });
    t.equal(runs, 1, 'a lone failing write is not run again');
    await group.flush();
    t.pass('an empty group flushes to nothing');
  });
}
