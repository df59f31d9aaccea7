// Creates users, changes and rotates their tokens, and keeps the ADMIN_TOKEN account in step with the configuration;
// tokens are returned once and stored only as hashes.
import type { Knex } from 'knex';
import type { Logger } from '../logger.js';
import type { AuditChain, NewAuditEvent } from '../audit/audit-chain.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { endDelegationsFrom } from './delegations.js';
import { hashToken, newToken } from './tokens.js';
import type { ContactChanges, User, UsersRepository } from './users-repository.js';
import { mergePreferences, type PreferencesPatch } from '../notifications/preferences.js';

/** A change of a user's addresses (null clears one) and, for the user themselves, their notification choices. */
export interface ProfileChanges {
  email?: string | null | undefined;
  phone?: string | null | undefined;
  notifications?: PreferencesPatch | undefined;
}

/** The stored form of a profile change, and the names of what it changes (the audit event names them, not the values). */
function contactChanges(user: User, changes: ProfileChanges): { stored: ContactChanges; changed: string[] } {
  const stored: ContactChanges = {};
  if (changes.email !== undefined && changes.email !== user.email) stored.email = changes.email;
  if (changes.phone !== undefined && changes.phone !== user.phone) stored.phone = changes.phone;
  if (changes.notifications !== undefined) stored.notifications = mergePreferences(user.notifications, changes.notifications);
  return { stored, changed: Object.keys(stored) };
}

/** The name of the account ADMIN_TOKEN signs in as. */
export const BOOTSTRAP_NAME = 'admin (ADMIN_TOKEN)';

const BOOTSTRAP_MANAGED = 'the ADMIN_TOKEN account is managed by configuration: change or unset ADMIN_TOKEN and restart instead';

/** The delegations a change of roles or a deactivation ends: the roles kept, or null for none. */
function keptRoles(user: User, changes: { roles?: string[] | undefined; active?: boolean | undefined }): string[] | null | undefined {
  if (changes.active === false) return null;
  if (changes.roles && user.roles.some((r) => !changes.roles?.includes(r))) return changes.roles;
  return undefined;
}

export function accountsService(deps: { knex: Knex; users: UsersRepository; audit: AuditChain; log: Logger; clock: () => Date }) {
  const { knex, users, audit, log, clock } = deps;

  /** Sets a fresh token for `id` and records who did it; `source` says whether it is an enrolment token; `data` adds to the event (the holder's roles, which name their units). */
  async function issueToken(by: User | null, id: string, source: 'issued' | 'self', data: Record<string, unknown> = {}): Promise<string> {
    const token = newToken();
    const at = clock().toISOString();
    await knex.transaction(async (trx) => {
      await users.setToken(id, { hash: hashToken(token), source, by: by?.id ?? null, at }, trx);
      await audit.append(trx, [{ type: 'user.token-rotated', at, userId: by?.id ?? null, data: { id, source, ...data } }]);
    });
    log.info({ userId: id, by: by?.id ?? null, source, event: 'user.token-rotated' }, 'token rotated');
    return token;
  }

  /** ADMIN_TOKEN is set: its account is the one holding it, else the oldest ADMIN_TOKEN account, else a new one. */
  async function adoptAdminToken(adminToken: string): Promise<void> {
    const hash = hashToken(adminToken);
    const at = clock().toISOString();
    await knex.transaction(async (trx) => {
      const events: NewAuditEvent[] = [];
      const bootstrap = await users.bootstrapAccounts(trx);
      const holder = (await users.findByTokenHash(hash, trx)) ?? bootstrap[0];
      if (!holder) {
        const created = await users.create({ name: BOOTSTRAP_NAME, roles: ['admin'], tokenHash: hash, at, tokenSource: 'config', bootstrap: true }, trx);
        events.push({ type: 'user.created', at, data: { id: created.id, name: created.name, roles: created.roles, source: 'ADMIN_TOKEN' } });
      } else {
        const isAdminAlready = holder.roles.includes('admin');
        const roles = isAdminAlready ? holder.roles : [...holder.roles, 'admin'];
        if (!holder.bootstrap || !holder.active || !isAdminAlready) {
          await users.makeBootstrap(holder.id, roles, trx);
          events.push({ type: 'user.updated', at, data: { id: holder.id, roles, previousRoles: holder.roles, active: true, source: 'ADMIN_TOKEN' } });
        }
        if (holder.tokenHash !== hash || holder.tokenSource !== 'config') {
          await users.setToken(holder.id, { hash, source: 'config', by: null, at }, trx);
          events.push({ type: 'user.token-rotated', at, data: { id: holder.id, source: 'config' } });
        }
      }
      // Older ADMIN_TOKEN values stop: only the configured one is an admin's token.
      for (const old of bootstrap.filter((b) => b.id !== holder?.id && b.tokenSource === 'config')) {
        await users.setToken(old.id, { hash: hashToken(newToken()), source: 'withdrawn', by: null, at }, trx);
        events.push({ type: 'user.token-rotated', at, data: { id: old.id, source: 'withdrawn' } });
      }
      await audit.append(trx, events);
    });
  }

  /** ADMIN_TOKEN is unset: a token it configured before stops; with no admin left whom anyone can sign in as, one is issued. */
  async function withdrawAdminToken(): Promise<void> {
    const at = clock().toISOString();
    const bootstrap = await users.bootstrapAccounts();
    await knex.transaction(async (trx) => {
      const events: NewAuditEvent[] = [];
      for (const b of bootstrap.filter((x) => x.tokenSource === 'config')) {
        await users.setToken(b.id, { hash: hashToken(newToken()), source: 'withdrawn', by: null, at }, trx);
        events.push({ type: 'user.token-rotated', at, data: { id: b.id, source: 'withdrawn' } });
      }
      await audit.append(trx, events);
    });
    if ((await users.countUsableAdmins()) > 0) return;
    const account = bootstrap[0];
    const token = account ? await issueToken(null, account.id, 'issued', { reason: 'no usable admin' }) : (await createUser(null, 'admin', ['admin'])).token;
    log.warn({ adminToken: token }, 'issued the admin token; it is shown only once: keep it or set ADMIN_TOKEN');
  }

  /** A new user whose token `by` issued (null: the service, at first start). */
  async function createUser(by: User | null, name: string, roles: string[]): Promise<User & { token: string }> {
    const token = newToken();
    const at = clock().toISOString();
    const user = await knex.transaction(async (trx) => {
      const created = await users.create({ name, roles: [...new Set(roles)], tokenHash: hashToken(token), at, by: by?.id ?? null }, trx);
      await audit.append(trx, [{ type: 'user.created', at, userId: by?.id ?? null, data: { id: created.id, name, roles: created.roles } }]);
      return created;
    });
    log.info({ userId: user.id, by: by?.id ?? null, roles: user.roles, event: 'user.created' }, 'user created');
    return { ...user, token };
  }

  return {
    /** A new user with an enrolment token (issued by `by`): it works for everything but reading sealed content. */
    createUser,

    /**
     * Changes roles or deactivates. Delegations the user gave of a role they lose (all, when deactivated) end in the
     * same transaction. @throws ConflictError for an admin locking themselves out, or for the ADMIN_TOKEN account.
     */
    async updateUser(by: User, id: string, changes: { roles?: string[] | undefined; active?: boolean | undefined } & Omit<ProfileChanges, 'notifications'>): Promise<User> {
      const user = await users.findById(id);
      if (!user) throw new NotFoundError(`user ${id} not found`);
      if (by.id === id && (changes.active === false || (changes.roles && !changes.roles.includes('admin') && user.roles.includes('admin')))) {
        throw new ConflictError('an admin cannot lock themselves out', 'self');
      }
      const roles = changes.roles ? [...new Set(changes.roles)] : undefined;
      if (user.bootstrap && (changes.active === false || (roles && !roles.includes('admin')))) throw new ConflictError(BOOTSTRAP_MANAGED, 'bootstrap');
      const at = clock().toISOString();
      const contact = contactChanges(user, { email: changes.email, phone: changes.phone });
      await knex.transaction(async (trx) => {
        await users.update(id, { roles, active: changes.active, ...contact.stored }, trx);
        const kept = keptRoles(user, { roles, active: changes.active });
        const ended = kept === undefined ? [] : await endDelegationsFrom(trx, { from: id, keepRoles: kept, by: by.id, at, cause: kept === null ? 'delegator deactivated' : 'role removed' });
        const data = { id, ...(roles ? { roles, previousRoles: user.roles } : {}), ...(changes.active === undefined ? {} : { active: changes.active }), ...(contact.changed.length ? { changed: contact.changed } : {}) };
        await audit.append(trx, [{ type: 'user.updated', at, userId: by.id, data }, ...ended]);
      });
      log.info({ userId: id, by: by.id, event: 'user.updated' }, 'user updated');
      return (await users.findById(id)) as User;
    },

    /**
     * The caller changes their own addresses and notification choices. The audit event names the fields changed, not
     * their values: the chain is permanent, an address is personal data that must be erasable.
     */
    async updateProfile(user: User, changes: ProfileChanges): Promise<User> {
      const current = (await users.findById(user.id)) as User;
      const contact = contactChanges(current, changes);
      if (contact.changed.length === 0) return current;
      const at = clock().toISOString();
      await knex.transaction(async (trx) => {
        await users.update(user.id, contact.stored, trx);
        await audit.append(trx, [{ type: 'user.updated', at, userId: user.id, data: { id: user.id, changed: contact.changed } }]);
      });
      log.info({ userId: user.id, changed: contact.changed, event: 'user.updated' }, 'profile updated');
      return (await users.findById(user.id)) as User;
    },

    /** An admin issues a new enrolment token; the old one stops at once. @throws ConflictError for the ADMIN_TOKEN account. */
    async rotateToken(by: User, id: string): Promise<User & { token: string }> {
      const user = await users.findById(id);
      if (!user) throw new NotFoundError(`user ${id} not found`);
      if (user.bootstrap) throw new ConflictError(BOOTSTRAP_MANAGED, 'bootstrap');
      const token = await issueToken(by, id, 'issued', { roles: user.roles });
      return { ...user, token };
    },

    /** The caller replaces their own token; the new one is theirs alone and reads the sealed content they recorded. */
    async rotateOwnToken(user: User): Promise<User & { token: string }> {
      if (user.bootstrap) throw new ConflictError(BOOTSTRAP_MANAGED, 'bootstrap');
      const token = await issueToken(user, user.id, 'self', { roles: user.roles });
      return { ...((await users.findById(user.id)) as User), token };
    },

    /**
     * Keeps the ADMIN_TOKEN account in step with the configuration, so that no sequence of API calls leaves a service
     * that cannot start: with ADMIN_TOKEN set, its account is an active admin holding exactly that token (an earlier
     * value stops); without it, a token it configured stops, and when no admin anyone can sign in as is left, an admin
     * token is issued and logged once.
     */
    async ensureAdmin(adminToken: string | undefined): Promise<void> {
      if (!adminToken) return withdrawAdminToken();
      try {
        await adoptAdminToken(adminToken);
      } catch (err) {
        // Several processes starting at once: another one created the account; adopting it again finds it.
        if (!/unique|duplicate/i.test((err as Error).message)) throw err;
        await adoptAdminToken(adminToken);
      }
    },
  };
}

export type AccountsService = ReturnType<typeof accountsService>;
