// The outbox expander and the security-event log read "events of these types after seq N" (audit-chain ofTypes).
// With only (type, definition_key) indexed, SQLite's planner takes that index and reads every event of those types
// ever recorded, then sorts them by seq: 95 ms per read at 1,000,000 events, on the event loop, once per outbox tick.
// (type, seq) makes it a range per type: 0.26 ms at the same size (scripts/bench/audit-type-index.mjs).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_events', (t) => {
    t.index(['type', 'seq'], 'audit_events_type_seq_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_events', (t) => {
    t.dropIndex([], 'audit_events_type_seq_index');
  });
}
