// Acting officials (Plh./Plt.): a role holder lends one role to another user for a bounded period; while it runs,
// and only while the delegator is active and still holds the role, the delegate holds that role, and what they do
// with it is recorded as done for the delegating official. The delegator or an admin can end it at once.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { AuditChain, NewAuditEvent } from '../audit/audit-chain.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
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
  revokedAt: string | null;
  revokedBy: string | null;
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
  revoked_at: string | null;
  revoked_by: string | null;
}

const toDelegation = (r: DelegationRow): Delegation => ({
  id: r.id,
  from: r.from_user,
  to: r.to_user,
  role: r.role,
  validFrom: r.valid_from,
  validUntil: r.valid_until,
  reason: r.reason,
  createdAt: r.created_at,
  revokedAt: r.revoked_at ?? null,
  revokedBy: r.revoked_by ?? null,
});

/** Roles that cannot be lent: administration is given by an admin, never borrowed. */
const NOT_DELEGABLE = /^(admin|owner|auditor)(:|$)/;

/** The longest period a delegation may cover (a year, 366 days for a leap year); a longer absence is a new appointment. */
export const MAX_DELEGATION_MS = 366 * 86_400_000;

/**
 * Ends, in the caller's transaction, the delegations `from` gave that have not ended by `at` and lend a role outside
 * `keepRoles` (null: every one, for a deactivated delegator). Gives their `delegation.revoked` events to append.
 */
export async function endDelegationsFrom(trx: Knex, input: { from: string; keepRoles: string[] | null; by: string; at: string; cause: string }): Promise<NewAuditEvent[]> {
  const open = (await trx('delegations').where({ from_user: input.from }).whereNull('revoked_at').where('valid_until', '>', input.at)) as DelegationRow[];
  const ending = open.filter((d) => input.keepRoles === null || !input.keepRoles.includes(d.role));
  if (ending.length === 0) return [];
  await trx('delegations').whereIn('id', ending.map((d) => d.id)).update({ revoked_at: input.at, revoked_by: input.by });
  return ending.map((d) => ({ type: 'delegation.revoked', at: input.at, userId: input.by, role: d.role, data: { id: d.id, from: d.from_user, to: d.to_user, cause: input.cause } }));
}

function checkPeriod(from: string, until: string): void {
  const span = Date.parse(until) - Date.parse(from);
  if (!(span > 0)) throw new ValidationError('the period is empty', [{ name: 'until', message: 'must be after from' }]);
  if (span > MAX_DELEGATION_MS) throw new ValidationError('a delegation covers at most a year', [{ name: 'until', message: 'must be at most 366 days after from' }]);
}

export function delegationsService(deps: { knex: Knex; users: UsersRepository; audit: AuditChain; clock: () => Date }) {
  const { knex, users, audit, clock } = deps;

  /** The delegating official and the delegate, checked; throws the 4xx that names what is wrong. */
  async function parties(by: User, input: { to: string; role: string; onBehalfOf?: string | undefined }): Promise<{ holder: User; delegate: User }> {
    const fromUserId = input.onBehalfOf ?? by.id;
    if (input.onBehalfOf && input.onBehalfOf !== by.id && !isAdmin(by)) throw new ForbiddenError('only an admin delegates on behalf of someone else');
    const holder = fromUserId === by.id ? by : await users.findById(fromUserId);
    if (!holder || !holder.active) throw new NotFoundError(`user ${fromUserId} not found`);
    if (NOT_DELEGABLE.test(input.role)) throw new ValidationError('this role cannot be delegated', [{ name: 'role', message: 'admin, owner and auditor roles are not lent' }]);
    if (!holder.roles.includes(input.role)) throw new ForbiddenError(`the delegating user does not hold ${input.role}`);
    // An acting official holds the role for someone else and does not lend it further.
    if (holder.actingFor?.[input.role]) throw new ForbiddenError(`${input.role} is held as Plh./Plt. and cannot be delegated further`);
    const delegate = await users.findById(input.to);
    if (!delegate || !delegate.active) throw new NotFoundError(`user ${input.to} not found`);
    if (delegate.id === holder.id) throw new ValidationError('a user cannot delegate to themselves', [{ name: 'to', message: 'must be another user' }]);
    return { holder, delegate };
  }

  return {
    /**
     * Lends `role` from its holder to `to` for [from, until). @throws ValidationError (400) for an empty or longer than
     * a year period; ConflictError (409, state `overlap`) when the holder already lends the role for part of it.
     */
    async create(by: User, input: { to: string; role: string; from: string; until: string; reason: string; onBehalfOf?: string }): Promise<Delegation> {
      const { holder, delegate } = await parties(by, input);
      checkPeriod(input.from, input.until);
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
        revoked_at: null,
        revoked_by: null,
      };
      await knex.transaction(async (trx) => {
        // One acting official per role and official at a time: a second one is refused, naming the first; revoke it first.
        const overlap = (await trx('delegations')
          .select('id', 'to_user')
          .where({ from_user: row.from_user, role: row.role })
          .whereNull('revoked_at')
          .where('valid_from', '<', row.valid_until)
          .where('valid_until', '>', row.valid_from)
          .first()) as { id: string; to_user: string } | undefined;
        if (overlap) throw new ConflictError(`${row.role} is already delegated to user ${overlap.to_user} for part of this period (delegation ${overlap.id}): revoke it first`, 'overlap');
        await trx('delegations').insert(row);
        await audit.append(trx, [{ type: 'delegation.created', at, userId: by.id, role: row.role, data: { id: row.id, from: row.from_user, to: row.to_user, validFrom: row.valid_from, validUntil: row.valid_until, reason: row.reason } }]);
      });
      return toDelegation(row);
    },

    /**
     * Ends a delegation at once (its delegator, or an admin). @throws NotFoundError for one the caller is no party
     * to; ForbiddenError for its delegate; ConflictError (state `revoked` or `ended`) for one already over.
     */
    async revoke(by: User, id: string, reason: string | undefined): Promise<Delegation> {
      return knex.transaction(async (trx) => {
        const row = (await trx('delegations').where({ id }).first()) as DelegationRow | undefined;
        if (!row || (!isAdmin(by) && row.from_user !== by.id && row.to_user !== by.id)) throw new NotFoundError(`delegation ${id} not found`);
        if (!isAdmin(by) && row.from_user !== by.id) throw new ForbiddenError('only the delegating official or an admin ends a delegation');
        const at = clock().toISOString();
        if (row.revoked_at) throw new ConflictError(`delegation ${id} was revoked at ${row.revoked_at}`, 'revoked');
        if (row.valid_until <= at) throw new ConflictError(`delegation ${id} ended at ${row.valid_until}`, 'ended');
        await trx('delegations').where({ id }).update({ revoked_at: at, revoked_by: by.id });
        await audit.append(trx, [{ type: 'delegation.revoked', at, userId: by.id, role: row.role, data: { id, from: row.from_user, to: row.to_user, cause: 'revoked', ...(reason ? { reason } : {}) } }]);
        return toDelegation({ ...row, revoked_at: at, revoked_by: by.id });
      });
    },

    async list(user: User): Promise<Delegation[]> {
      const q = knex('delegations').orderBy('valid_from', 'desc');
      if (!isAdmin(user)) q.where((w) => w.where('from_user', user.id).orWhere('to_user', user.id));
      return ((await q.limit(500)) as DelegationRow[]).map(toDelegation);
    },
  };
}

export type DelegationsService = ReturnType<typeof delegationsService>;
