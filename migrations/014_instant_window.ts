// Instants are compared as ISO text, which orders them only while every year has four digits: rows written before
// the 1900–2199 window was enforced (a session scheduled for year 10000 or 0) are moved to the window's edge.
import type { Knex } from 'knex';

/** The instant columns a user's input could reach, per table. */
const USER_INSTANTS: Readonly<Record<string, readonly string[]>> = {
  tasks: ['starts_at', 'due_at'],
  delegations: ['valid_from', 'valid_until'],
};
const FIRST = '1900-01-01T00:00:00.000Z';
const LAST = '2199-12-31T23:59:59.999Z';

export async function up(knex: Knex): Promise<void> {
  for (const [table, columns] of Object.entries(USER_INSTANTS)) {
    for (const column of columns) {
      // A year past 9999 is written `+010000-…`, which sorts before every digit: it goes to the end first.
      await knex(table).where(column, 'like', '+%').update({ [column]: LAST });
      await knex(table).where(column, '<', '1900').update({ [column]: FIRST });
      await knex(table).where(column, '>=', '2200').update({ [column]: LAST });
    }
  }
}

/** The repair cannot be undone: the original values are in the audit trail. */
export async function down(): Promise<void> {}
