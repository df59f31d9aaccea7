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
  };
}

export type UsersRepository = ReturnType<typeof usersRepository>;
