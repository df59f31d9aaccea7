// The security and administration events of the audit chain (users, tokens, delegations, deploys, sealed reads),
// for auditors: admins and auditors of every unit see all of them, a unit's auditor those that concern their unit.
import type { User } from '../auth/users-repository.js';
import { isAdmin, isAuditorOf } from '../auth/roles.js';
import type { KeyOwnersRepository } from '../definitions/key-owners-repository.js';
import { ForbiddenError } from '../errors.js';
import type { AuditChain, AuditEvent, AuditEventType } from './audit-chain.js';

/** The event types `GET /audit/events` lists. */
export const SECURITY_EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.token-rotated',
  'delegation.created',
  'delegation.revoked',
  'definition.deployed',
  'definition.transferred',
  'form.deployed',
  'definition.suspended',
  'definition.resumed',
  'calendar.updated',
  'content.read',
] as const satisfies readonly AuditEventType[];

export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];

/** The units a list of roles touches: `ipdn` for `ipdn/konselor`, `owner:ipdn` and `auditor:ipdn`. */
export function unitsOfRoles(roles: unknown): string[] {
  if (!Array.isArray(roles)) return [];
  return roles.flatMap((r) => {
    if (typeof r !== 'string') return [];
    const scoped = /^(?:owner|auditor):(.+)$/.exec(r);
    if (scoped) return [scoped[1] as string];
    return r.includes('/') ? [r.split('/')[0] as string] : [];
  });
}

/**
 * The units an event concerns: its SOP key's unit (both units of a transfer), its role's unit (a delegation), the
 * units of the roles a user had or has (a user change, a token rotation). None: only admins and auditors of every
 * unit see it (a calendar).
 */
export function unitsOfEvent(e: AuditEvent, keyUnit: string | null | undefined): string[] {
  const data = e.data ?? {};
  const units = [...unitsOfRoles(data.roles), ...unitsOfRoles(data.previousRoles), ...unitsOfRoles(e.role ? [e.role] : [])];
  if (keyUnit) units.push(keyUnit);
  if (e.type === 'definition.transferred') for (const u of [data.from, data.to]) if (typeof u === 'string') units.push(u);
  return [...new Set(units)];
}

/** Whether `userId` did the event or is its subject (the user changed, the delegator or the delegate). */
const concerns = (e: AuditEvent, userId: string) => e.userId === userId || [e.data?.id, e.data?.from, e.data?.to].includes(userId);

export interface SecurityEventQuery {
  type?: SecurityEventType | undefined;
  userId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  afterSeq: number;
  limit: number;
}

const BATCH = 500;

export function securityEvents(deps: { audit: AuditChain; keyOwners: KeyOwnersRepository }) {
  const { audit, keyOwners } = deps;
  return {
    /**
     * A page of events oldest first after `afterSeq`, with whether more follow. @throws ForbiddenError unless the
     * caller is an admin or an auditor (of every unit or of one).
     */
    async list(user: User, query: SecurityEventQuery): Promise<{ items: AuditEvent[]; more: boolean }> {
      const units = isAdmin(user) || isAuditorOf(user, null) ? null : user.roles.flatMap((r) => (r.startsWith('auditor:') ? [r.slice('auditor:'.length)] : []));
      if (units !== null && units.length === 0) throw new ForbiddenError('security events need the auditor or admin role');
      const keyUnits = new Map<string, string | null>();
      const unitOfKey = async (key: string | null) => {
        if (key === null) return null;
        if (!keyUnits.has(key)) keyUnits.set(key, (await keyOwners.ownerOf(key))?.unit ?? null);
        return keyUnits.get(key);
      };
      const items: AuditEvent[] = [];
      let after = query.afterSeq;
      // Scoping and the user filter read each event's data, so the page is filled from batches of the chain.
      for (;;) {
        const batch = await audit.ofTypes({ types: query.type ? [query.type] : SECURITY_EVENT_TYPES, afterSeq: after, limit: BATCH, from: query.from, to: query.to });
        for (const e of batch) {
          if (query.userId !== undefined && !concerns(e, query.userId)) continue;
          if (units !== null && !unitsOfEvent(e, await unitOfKey(e.definitionKey)).some((u) => units.includes(u))) continue;
          if (items.length === query.limit) return { items, more: true };
          items.push(e);
        }
        if (batch.length < BATCH) return { items, more: false };
        after = (batch.at(-1) as AuditEvent).seq;
      }
    },
  };
}

export type SecurityEvents = ReturnType<typeof securityEvents>;
