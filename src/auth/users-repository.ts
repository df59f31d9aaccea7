// Users and their roles; knows nothing of HTTP.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { fromJson, toJson } from '../db/json.js';

export interface User {
  id: string;
  name: string;
  roles: string[];
  active: boolean;
  createdAt: string;
  /** Roles held now through a delegation (Plh./Plt.), each with the official acted for; set per request. */
  actingFor?: Record<string, { delegationId: string; forUser: string }>;
}

interface UserRow {
  id: string;
  name: string;
  roles: string;
  token_hash: string;
  active: number | boolean;
  created_at: string;
}

function toUser(row: UserRow): User {
  return { id: row.id, name: row.name, roles: fromJson<string[]>(row.roles, []), active: Boolean(row.active), createdAt: row.created_at };
}

export function usersRepository(knex: Knex) {
  return {
    async create(input: { name: string; roles: string[]; tokenHash: string; at: string; id?: string }, trx: Knex = knex): Promise<User> {
      const row: UserRow = { id: input.id ?? randomUUID(), name: input.name, roles: toJson(input.roles), token_hash: input.tokenHash, active: true, created_at: input.at };
      await trx('users').insert(row);
      return toUser(row);
    },
    async findByTokenHash(tokenHash: string): Promise<(User & { tokenHash: string }) | undefined> {
      const row = (await knex('users').where({ token_hash: tokenHash }).first()) as UserRow | undefined;
      return row ? { ...toUser(row), tokenHash: row.token_hash } : undefined;
    },
    /**
     * A request's bearer and the delegations (Plh./Plt.) running for them at `at`, in one read: every request asks
     * both, and on PostgreSQL each query is a round trip. `acting` maps a lent role to the official acted for.
     */
    async bearer(tokenHash: string, at: string): Promise<(User & { tokenHash: string; acting: Map<string, { delegationId: string; forUser: string }> }) | undefined> {
      const rows = (await knex('users')
        .select('users.*', 'd.id as d_id', 'd.role as d_role', 'd.from_user as d_from_user')
        .leftJoin('delegations as d', (j) => j.on('d.to_user', 'users.id').andOn('d.valid_from', '<=', knex.raw('?', [at])).andOn('d.valid_until', '>', knex.raw('?', [at])))
        .where('users.token_hash', tokenHash)) as Array<UserRow & { d_id: string | null; d_role: string | null; d_from_user: string | null }>;
      const row = rows[0];
      if (!row) return undefined;
      const acting = new Map(rows.filter((r) => r.d_id !== null).map((r) => [r.d_role as string, { delegationId: r.d_id as string, forUser: r.d_from_user as string }]));
      return { ...toUser(row), tokenHash: row.token_hash, acting };
    },
    async findById(id: string, trx: Knex = knex): Promise<User | undefined> {
      const row = (await trx('users').where({ id }).first()) as UserRow | undefined;
      return row ? toUser(row) : undefined;
    },
    async countWithRole(role: string): Promise<number> {
      const rows = (await knex('users').select('roles')) as Array<Pick<UserRow, 'roles'>>;
      return rows.filter((r) => fromJson<string[]>(r.roles, []).includes(role)).length;
    },
    async setTokenHash(id: string, tokenHash: string, trx: Knex = knex): Promise<void> {
      await trx('users').where({ id }).update({ token_hash: tokenHash });
    },
    async update(id: string, changes: { roles?: string[]; active?: boolean }, trx: Knex = knex): Promise<void> {
      const row: Partial<UserRow> = {};
      if (changes.roles) row.roles = toJson(changes.roles);
      if (changes.active !== undefined) row.active = changes.active;
      if (Object.keys(row).length) await trx('users').where({ id }).update(row);
    },
    /** A page of users ordered by name, then id. */
    async list(limit: number, after?: { name: string; id: string }): Promise<User[]> {
      const q = knex('users').select('id', 'name', 'roles', 'active', 'created_at');
      if (after) q.where((w) => w.where('name', '>', after.name).orWhere((x) => x.where('name', after.name).where('id', '>', after.id)));
      const rows = (await q.orderBy('name').orderBy('id').limit(limit)) as UserRow[];
      return rows.map(toUser);
    },
  };
}

export type UsersRepository = ReturnType<typeof usersRepository>;
