// Which unit owns each SOP key (the unit whose owners may deploy it); knows nothing of HTTP.
import type { Knex } from 'knex';
import { fromJson } from '../db/json.js';

/** A key's owning unit; `unit` null: the key's lanes name no single unit, so only admins and unscoped owners deploy it. */
export interface KeyOwner {
  key: string;
  unit: string | null;
}

export function keyOwnersRepository(knex: Knex) {
  return {
    /**
     * The unit that owns `key`: its row, or for a key deployed before ownership was recorded, the unit of its first
     * version's lanes. Undefined for a key never deployed.
     */
    async ownerOf(key: string, trx: Knex = knex): Promise<KeyOwner | undefined> {
      const row = (await trx('definition_keys').select('key', 'unit').where({ key }).first()) as KeyOwner | undefined;
      if (row) return { key: row.key, unit: row.unit ?? null };
      const first = (await trx('definitions').select('metadata').where({ key }).orderBy('version').first()) as { metadata: string } | undefined;
      if (!first) return undefined;
      return { key, unit: fromJson<{ unit?: string | null }>(first.metadata, {}).unit ?? null };
    },
    /** Records (or moves) the owner of `key`. */
    async assign(trx: Knex, input: { key: string; unit: string | null; by: string | null; at: string }): Promise<void> {
      await trx('definition_keys')
        .insert({ key: input.key, unit: input.unit, assigned_at: input.at, assigned_by: input.by })
        .onConflict('key')
        .merge(['unit', 'assigned_at', 'assigned_by']);
    },
  };
}

export type KeyOwnersRepository = ReturnType<typeof keyOwnersRepository>;
