// Users and their roles; knows nothing of HTTP.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { fromJson, toJson } from '../db/json.js';
import { resolvePreferences, type Preferences, type PreferencesPatch } from '../notifications/preferences.js';

/**
 * Where a user's current token came from: `issued` by an admin (or at first start), an enrolment token that cannot
 * read sealed content; `self`, chosen by its holder through `POST /me/token`; `config`, ADMIN_TOKEN; `withdrawn`,
 * an ADMIN_TOKEN no longer configured, replaced by a value nobody knows.
 */
export type TokenSource = 'issued' | 'self' | 'config' | 'withdrawn';

export interface User {
  id: string;
  name: string;
  roles: string[];
  active: boolean;
  createdAt: string;
  tokenSource: TokenSource;
  /** When the current token was set, and by whom (null: the service itself, at start). */
  tokenRotatedAt: string | null;
  tokenRotatedBy: string | null;
  /** The account ADMIN_TOKEN signs in as; configuration, not the API, manages it. */
  bootstrap: boolean;
  /** Where notifications reach the user: e-mail, and a phone number (E.164) for a webhook's gateway; null when not given. */
  email: string | null;
  phone: string | null;
  /** On/off per notification kind and channel. */
  notifications: Preferences;
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
  token_source: string;
  token_rotated_at: string | null;
  token_rotated_by: string | null;
  bootstrap: number | boolean;
  email?: string | null;
  phone?: string | null;
  notifications?: string | null;
}

/** The changes of a user's contact and preferences; undefined leaves a field, null clears an address. */
export interface ContactChanges {
  email?: string | null | undefined;
  phone?: string | null | undefined;
  notifications?: Preferences | undefined;
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    name: row.name,
    roles: fromJson<string[]>(row.roles, []),
    active: Boolean(row.active),
    createdAt: row.created_at,
    tokenSource: (row.token_source ?? 'issued') as TokenSource,
    tokenRotatedAt: row.token_rotated_at ?? null,
    tokenRotatedBy: row.token_rotated_by ?? null,
    bootstrap: Boolean(row.bootstrap),
    email: row.email ?? null,
    phone: row.phone ?? null,
    notifications: resolvePreferences(fromJson<PreferencesPatch | null>(row.notifications, null)),
  };
}

/** Roles lent to a user by running delegations: the role, the delegation and the official acted for. */
export type Acting = Map<string, { delegationId: string; forUser: string }>;

interface ActingRow {
  d_id: string | null;
  d_role: string | null;
  d_from_user: string | null;
  d_from_roles: string | null;
  d_from_active: number | boolean | null;
}

/** Joins the delegations to `users` running at `at`: in their period, not revoked, with their delegator's row. */
function joinRunning(q: Knex.QueryBuilder, knex: Knex, at: string): Knex.QueryBuilder {
  return q
    .select('d.id as d_id', 'd.role as d_role', 'd.from_user as d_from_user', 'f.roles as d_from_roles', 'f.active as d_from_active')
    .leftJoin('delegations as d', (j) =>
      j.on('d.to_user', 'users.id').andOn('d.valid_from', '<=', knex.raw('?', [at])).andOn('d.valid_until', '>', knex.raw('?', [at])).andOnNull('d.revoked_at'),
    )
    .leftJoin('users as f', 'f.id', 'd.from_user');
}

/** A delegation holds only while its delegator is active and still holds the role themselves. */
function actingOf(rows: ActingRow[]): Acting {
  const running = rows.filter((r) => r.d_id !== null && Boolean(r.d_from_active) && fromJson<string[]>(r.d_from_roles, []).includes(r.d_role as string));
  return new Map(running.map((r) => [r.d_role as string, { delegationId: r.d_id as string, forUser: r.d_from_user as string }]));
}

/** The user with the roles `acting` lends added, and `actingFor` naming whom each lent role is held for. */
export function withActing<U extends User>(user: U, acting: Acting): U {
  if (acting.size === 0) return user;
  return {
    ...user,
    actingFor: Object.fromEntries([...acting].filter(([role]) => !user.roles.includes(role))),
    roles: [...new Set([...user.roles, ...acting.keys()])],
  };
}

export function usersRepository(knex: Knex) {
  return {
    /** A new active user; its token is `issued` by `by` unless `tokenSource` says otherwise. */
    async create(
      input: { name: string; roles: string[]; tokenHash: string; at: string; by?: string | null; tokenSource?: TokenSource; bootstrap?: boolean; id?: string },
      trx: Knex = knex,
    ): Promise<User> {
      const row: UserRow = {
        id: input.id ?? randomUUID(),
        name: input.name,
        roles: toJson(input.roles),
        token_hash: input.tokenHash,
        active: true,
        created_at: input.at,
        token_source: input.tokenSource ?? 'issued',
        token_rotated_at: input.at,
        token_rotated_by: input.by ?? null,
        bootstrap: input.bootstrap ?? false,
      };
      await trx('users').insert(row);
      return toUser(row);
    },
    async findByTokenHash(tokenHash: string, trx: Knex = knex): Promise<(User & { tokenHash: string }) | undefined> {
      const row = (await trx('users').where({ token_hash: tokenHash }).first()) as UserRow | undefined;
      return row ? { ...toUser(row), tokenHash: row.token_hash } : undefined;
    },
    /**
     * A request's bearer and the delegations (Plh./Plt.) running for them at `at`, in one read: every request asks
     * both, and on PostgreSQL each query is a round trip. `acting` maps a lent role to the official acted for.
     */
    async bearer(tokenHash: string, at: string): Promise<(User & { tokenHash: string; acting: Acting }) | undefined> {
      const rows = (await joinRunning(knex('users').select('users.*'), knex, at).where('users.token_hash', tokenHash)) as Array<UserRow & ActingRow>;
      const row = rows[0];
      if (!row) return undefined;
      return { ...toUser(row), tokenHash: row.token_hash, acting: actingOf(rows) };
    },
    /** A user with the roles running delegations lend them at `at` (as a request of theirs would hold them). */
    async withDelegations(id: string, at: string): Promise<User | undefined> {
      const rows = (await joinRunning(knex('users').select('users.*'), knex, at).where('users.id', id)) as Array<UserRow & ActingRow>;
      const row = rows[0];
      return row ? withActing(toUser(row), actingOf(rows)) : undefined;
    },
    async findById(id: string, trx: Knex = knex): Promise<User | undefined> {
      const row = (await trx('users').where({ id }).first()) as UserRow | undefined;
      return row ? toUser(row) : undefined;
    },
    async countWithRole(role: string): Promise<number> {
      const rows = (await knex('users').select('roles')) as Array<Pick<UserRow, 'roles'>>;
      return rows.filter((r) => fromJson<string[]>(r.roles, []).includes(role)).length;
    },
    /** Replaces a user's token; `by` null: the service itself (ADMIN_TOKEN at start). */
    async setToken(id: string, token: { hash: string; source: TokenSource; by: string | null; at: string }, trx: Knex = knex): Promise<void> {
      await trx('users').where({ id }).update({ token_hash: token.hash, token_source: token.source, token_rotated_by: token.by, token_rotated_at: token.at });
    },
    /** The accounts ADMIN_TOKEN has signed in as, oldest first. */
    async bootstrapAccounts(trx: Knex = knex): Promise<Array<User & { tokenHash: string }>> {
      const rows = (await trx('users').where({ bootstrap: true }).orderBy('created_at').orderBy('id')) as UserRow[];
      return rows.map((r) => ({ ...toUser(r), tokenHash: r.token_hash }));
    },
    /** Makes a user the ADMIN_TOKEN account: active, holding admin, with that token. */
    async makeBootstrap(id: string, roles: string[], trx: Knex = knex): Promise<void> {
      await trx('users').where({ id }).update({ bootstrap: true, active: true, roles: toJson(roles) });
    },
    /** Active admins whose token someone holds (not a withdrawn ADMIN_TOKEN). */
    async countUsableAdmins(trx: Knex = knex): Promise<number> {
      const rows = (await trx('users').select('roles').where({ active: true }).whereNot({ token_source: 'withdrawn' })) as Array<Pick<UserRow, 'roles'>>;
      return rows.filter((r) => fromJson<string[]>(r.roles, []).includes('admin')).length;
    },
    async update(id: string, changes: { roles?: string[] | undefined; active?: boolean | undefined } & ContactChanges, trx: Knex = knex): Promise<void> {
      const row: Partial<UserRow> = {};
      if (changes.roles) row.roles = toJson(changes.roles);
      if (changes.active !== undefined) row.active = changes.active;
      if (changes.email !== undefined) row.email = changes.email;
      if (changes.phone !== undefined) row.phone = changes.phone;
      if (changes.notifications !== undefined) row.notifications = toJson(changes.notifications);
      if (Object.keys(row).length) await trx('users').where({ id }).update(row);
    },
    /**
     * The active users a notification can reach (an e-mail address or a phone), each with the roles running
     * delegations lend them at `at`. One read; users without either are left out, so a service nobody gave an
     * address costs nothing here.
     */
    async reachable(at: string): Promise<User[]> {
      const rows = (await joinRunning(knex('users').select('users.*'), knex, at)
        .where('users.active', true)
        .where((w) => w.whereNotNull('users.email').orWhereNotNull('users.phone'))
        .orderBy('users.id')) as Array<UserRow & ActingRow>;
      const byId = new Map<string, Array<UserRow & ActingRow>>();
      for (const r of rows) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
      return [...byId.values()].map((group) => withActing(toUser(group[0] as UserRow), actingOf(group)));
    },
    /** A page of users ordered by name, then id. */
    async list(limit: number, after?: { name: string; id: string }): Promise<User[]> {
      const q = knex('users').select('id', 'name', 'roles', 'active', 'created_at', 'token_source', 'token_rotated_at', 'token_rotated_by', 'bootstrap', 'email', 'phone', 'notifications');
      if (after) q.where((w) => w.where('name', '>', after.name).orWhere((x) => x.where('name', after.name).where('id', '>', after.id)));
      const rows = (await q.orderBy('name').orderBy('id').limit(limit)) as UserRow[];
      return rows.map(toUser);
    },
  };
}

export type UsersRepository = ReturnType<typeof usersRepository>;
