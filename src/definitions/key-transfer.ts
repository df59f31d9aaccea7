// An admin moves a SOP key to another unit: from then on that unit's owners deploy it, and its next version may
// carry that unit's lanes (and so move the key's cases into that unit's scope).
import type { Knex } from 'knex';
import type { AuditChain } from '../audit/audit-chain.js';
import type { User } from '../auth/users-repository.js';
import { isAdmin } from '../auth/roles.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import type { KeyOwnersRepository } from './key-owners-repository.js';

export interface KeyTransfer {
  key: string;
  unit: string | null;
  previousUnit: string | null;
}

export function keyTransferService(deps: { knex: Knex; keyOwners: KeyOwnersRepository; audit: AuditChain; clock: () => Date }) {
  const { knex, keyOwners, audit, clock } = deps;
  return {
    /**
     * Gives `key` to `unit` (null: no single unit, for admins and unscoped owners only), audited as
     * `definition.transferred` with the reason. @throws ForbiddenError unless `by` is an admin; NotFoundError for a
     * key never deployed.
     */
    async transfer(by: User, key: string, unit: string | null, reason: string): Promise<KeyTransfer> {
      if (!isAdmin(by)) throw new ForbiddenError('transferring a SOP key needs the admin role');
      return knex.transaction(async (trx) => {
        const owner = await keyOwners.ownerOf(key, trx);
        if (!owner) throw new NotFoundError(`definition ${key} not found`);
        if (owner.unit === unit) return { key, unit, previousUnit: owner.unit };
        const at = clock().toISOString();
        await keyOwners.assign(trx, { key, unit, by: by.id, at });
        await audit.append(trx, [{ type: 'definition.transferred', at, definitionKey: key, userId: by.id, data: { from: owner.unit, to: unit, reason } }]);
        return { key, unit, previousUnit: owner.unit };
      });
    },
  };
}

export type KeyTransferService = ReturnType<typeof keyTransferService>;
