// Creates users and bootstraps the first admin; tokens are returned once and stored only as hashes.
import type { Knex } from 'knex';
import type { Logger } from '../logger.js';
import type { AuditChain } from '../audit/audit-chain.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { hashToken, newToken } from './tokens.js';
import type { User, UsersRepository } from './users-repository.js';

export function accountsService(deps: { knex: Knex; users: UsersRepository; audit: AuditChain; log: Logger; clock: () => Date }) {
  const { knex, users, audit, log, clock } = deps;
  return {
    async createUser(by: User | null, name: string, roles: string[]): Promise<User & { token: string }> {
      const token = newToken();
      const at = clock().toISOString();
      const user = await knex.transaction(async (trx) => {
        const created = await users.create({ name, roles: [...new Set(roles)], tokenHash: hashToken(token), at }, trx);
        await audit.append(trx, [{ type: 'user.created', at, userId: by?.id ?? null, data: { id: created.id, name, roles: created.roles } }]);
        return created;
      });
      log.info({ userId: user.id, by: by?.id ?? null, roles: user.roles, event: 'user.created' }, 'user created');
      return { ...user, token };
    },

    /** Changes roles or deactivates; an admin cannot take away their own admin role or deactivate themselves. */
    async updateUser(by: User, id: string, changes: { roles?: string[]; active?: boolean }): Promise<User> {
      const user = await users.findById(id);
      if (!user) throw new NotFoundError(`user ${id} not found`);
      if (by.id === id && (changes.active === false || (changes.roles && !changes.roles.includes('admin') && user.roles.includes('admin')))) {
        throw new ConflictError('an admin cannot lock themselves out', 'self');
      }
      const roles = changes.roles ? [...new Set(changes.roles)] : undefined;
      const at = clock().toISOString();
      await knex.transaction(async (trx) => {
        await users.update(id, { ...(roles ? { roles } : {}), ...(changes.active === undefined ? {} : { active: changes.active }) }, trx);
        await audit.append(trx, [
          { type: 'user.updated', at, userId: by.id, data: { id, ...(roles ? { roles, previousRoles: user.roles } : {}), ...(changes.active === undefined ? {} : { active: changes.active }) } },
        ]);
      });
      log.info({ userId: id, by: by.id, event: 'user.updated' }, 'user updated');
      return (await users.findById(id)) as User;
    },

    /** Issues a new token; the old one stops working at once (only the hash is stored, and it is replaced). */
    async rotateToken(by: User, id: string): Promise<User & { token: string }> {
      const user = await users.findById(id);
      if (!user) throw new NotFoundError(`user ${id} not found`);
      const token = newToken();
      const at = clock().toISOString();
      await knex.transaction(async (trx) => {
        await users.setTokenHash(id, hashToken(token), trx);
        await audit.append(trx, [{ type: 'user.token-rotated', at, userId: by.id, data: { id } }]);
      });
      log.info({ userId: id, by: by.id, event: 'user.token-rotated' }, 'token rotated');
      return { ...user, token };
    },

    /**
     * ADMIN_TOKEN, when set, is always an admin's token. Without it, the first start creates an admin
     * with a random token and logs it once.
     */
    async ensureAdmin(adminToken: string | undefined): Promise<void> {
      if (adminToken) {
        const hash = hashToken(adminToken);
        const existing = await users.findByTokenHash(hash);
        if (existing?.roles.includes('admin') && existing.active) return;
        if (existing) throw new Error('ADMIN_TOKEN belongs to a user who is not an active admin');
        const at = clock().toISOString();
        try {
          await knex.transaction(async (trx) => {
            const created = await users.create({ name: 'admin (ADMIN_TOKEN)', roles: ['admin'], tokenHash: hash, at }, trx);
            await audit.append(trx, [{ type: 'user.created', at, data: { id: created.id, name: created.name, roles: created.roles, source: 'ADMIN_TOKEN' } }]);
          });
        } catch (err) {
          // Several processes starting at once: one of them created it.
          if (!/unique|duplicate/i.test((err as Error).message) || !(await users.findByTokenHash(hash))) throw err;
        }
        return;
      }
      if ((await users.countWithRole('admin')) > 0) return;
      const { token } = await this.createUser(null, 'admin', ['admin']);
      log.warn({ adminToken: token }, 'created the first admin; this token is shown only once: keep it or set ADMIN_TOKEN');
    },
  };
}

export type AccountsService = ReturnType<typeof accountsService>;
