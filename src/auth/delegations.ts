// Acting officials (Plh./Plt.): a role holder lends one role to another user for a period; while it runs the
// delegate holds that role, and what they do with it is recorded as done for the delegating official.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { AuditChain } from '../audit/audit-chain.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { isAdmin } from './roles.js';
import type { User, UsersRepository } from './users-repository.js';

export interface Delegation {
  id: string;
  from: string;
  to: string;
  role: string;
  validFrom: string;
  validUntil: string;
  reason: string;
  createdAt: string;
}

interface DelegationRow {
  id: string;
  from_user: string;
  to_user: string;
  role: string;
  valid_from: string;
  valid_until: string;
  reason: string;
  created_at: string;
  created_by: string;
}

const toDelegation = (r: DelegationRow): Delegation => ({ id: r.id, from: r.from_user, to: r.to_user, role: r.role, validFrom: r.valid_from, validUntil: r.valid_until, reason: r.reason, createdAt: r.created_at });

/** Roles that cannot be lent: administration is given by an admin, never borrowed. */
const NOT_DELEGABLE = /^(admin|owner|auditor)(:|$)/;

export function delegationsService(deps: { knex: Knex; users: UsersRepository; audit: AuditChain; clock: () => Date }) {
  const { knex, users, audit, clock } = deps;
  return {
    async create(by: User, input: { to: string; role: string; from: string; until: string; reason: string; onBehalfOf?: string }): Promise<Delegation> {
      const fromUserId = input.onBehalfOf ?? by.id;
      if (input.onBehalfOf && input.onBehalfOf !== by.id && !isAdmin(by)) throw new ForbiddenError('only an admin delegates on behalf of someone else');
      const holder = fromUserId === by.id ? by : await users.findById(fromUserId);
      if (!holder) throw new NotFoundError(`user ${fromUserId} not found`);
      if (NOT_DELEGABLE.test(input.role)) throw new ValidationError('this role cannot be delegated', [{ name: 'role', message: 'admin, owner and auditor roles are not lent' }]);
      if (!holder.roles.includes(input.role)) throw new ForbiddenError(`the delegating user does not hold ${input.role}`);
      // An acting official holds the role for someone else and does not lend it further.
      if (holder.actingFor?.[input.role]) throw new ForbiddenError(`${input.role} is held as Plh./Plt. and cannot be delegated further`);
      const delegate = await users.findById(input.to);
      if (!delegate || !delegate.active) throw new NotFoundError(`user ${input.to} not found`);
      if (delegate.id === holder.id) throw new ValidationError('a user cannot delegate to themselves', [{ name: 'to', message: 'must be another user' }]);
      if (!(Date.parse(input.from) < Date.parse(input.until))) throw new ValidationError('the period is empty', [{ name: 'until', message: 'must be after from' }]);
      const at = clock().toISOString();
      const row: DelegationRow = {
        id: randomUUID(),
        from_user: holder.id,
        to_user: delegate.id,
        role: input.role,
        valid_from: new Date(input.from).toISOString(),
        valid_until: new Date(input.until).toISOString(),
        reason: input.reason,
        created_at: at,
        created_by: by.id,
      };
      await knex.transaction(async (trx) => {
        await trx('delegations').insert(row);
        await audit.append(trx, [{ type: 'delegation.created', at, userId: by.id, role: row.role, data: { id: row.id, from: row.from_user, to: row.to_user, validFrom: row.valid_from, validUntil: row.valid_until, reason: row.reason } }]);
      });
      return toDelegation(row);
    },

    async list(user: User): Promise<Delegation[]> {
      const q = knex('delegations').orderBy('valid_from', 'desc');
      if (!isAdmin(user)) q.where((w) => w.where('from_user', user.id).orWhere('to_user', user.id));
      return ((await q.limit(500)) as DelegationRow[]).map(toDelegation);
    },
  };
}

export type DelegationsService = ReturnType<typeof delegationsService>;
