// Incidents across kinds of work: listing them for the people who may act on them, and retrying one through the
// handler its kind registered (a timer job waits again; external tasks and messages register their own).
import type { Knex } from 'knex';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import type { AuditChain } from '../audit/audit-chain.js';
import type { User } from '../auth/users-repository.js';
import { isAdmin, isAnyOwner, isOwnerOf } from '../auth/roles.js';
import type { DefinitionVersion } from '../definitions/definitions-repository.js';
import type { IncidentKind, IncidentRecord, IncidentsRepository } from './incidents-repository.js';

/** Makes an incident's work run again, in the transaction that resolves the incident; throws ConflictError when it cannot. */
export type RetryHandler = (trx: Knex.Transaction, incident: IncidentRecord, at: string) => Promise<void>;

/** An incident as the API gives it (DESIGN.md: `GET /incidents`). */
export interface IncidentView {
  id: string;
  kind: IncidentKind;
  instanceId: string;
  elementId: string;
  message: string;
  retries: number;
  createdAt: string;
  resolvedAt: string | null;
}

export const incidentView = (i: IncidentRecord): IncidentView => ({
  id: i.id,
  kind: i.kind,
  instanceId: i.instanceId,
  elementId: i.elementId,
  message: i.message,
  retries: i.retries,
  createdAt: i.createdAt,
  resolvedAt: i.resolvedAt,
});

export interface IncidentServiceDeps {
  knex: Knex;
  incidents: IncidentsRepository;
  audit: AuditChain;
  clock: () => Date;
  definitionById: (id: string) => Promise<DefinitionVersion>;
}

export function incidentService(deps: IncidentServiceDeps) {
  const { knex, incidents, audit, clock, definitionById } = deps;
  const handlers = new Map<IncidentKind, RetryHandler>();

  /** Admin sees all; a unit's owner those of the unit's definitions; anyone else is refused (403). */
  function checkMayList(user: User): void {
    if (!isAdmin(user) && !isAnyOwner(user)) throw new ForbiddenError('incidents need the owner or admin role');
  }

  async function mayAct(user: User, incident: IncidentRecord): Promise<boolean> {
    return isOwnerOf(user, (await definitionById(incident.definitionId)).metadata.unit);
  }

  return {
    /** Registers how incidents of `kind` are retried. */
    onRetry(kind: IncidentKind, handler: RetryHandler): void {
      handlers.set(kind, handler);
    },

    /**
     * The incidents `user` may act on, newest first: a page of at most `limit` after `after`. Throws ForbiddenError
     * for a user who is neither admin nor an owner.
     */
    async list(user: User, query: { open?: boolean; after?: { createdAt: string; id: string }; limit: number }): Promise<{ items: IncidentView[]; last?: IncidentRecord }> {
      checkMayList(user);
      const items: IncidentRecord[] = [];
      let after = query.after;
      // A unit owner's page is filtered after reading; reading on keeps pages full.
      for (;;) {
        const page = await incidents.list({ ...query, ...(after ? { after } : {}), limit: query.limit });
        for (const i of page) if (items.length < query.limit && (await mayAct(user, i))) items.push(i);
        const tail = page.at(-1);
        if (page.length < query.limit || items.length >= query.limit || !tail) break;
        after = { createdAt: tail.createdAt, id: tail.id };
      }
      return { items: items.map(incidentView), ...(items.length === query.limit ? { last: items.at(-1) as IncidentRecord } : {}) };
    },

    /**
     * Retries an open incident: its kind's handler and `incident.resolved` in one transaction. Throws NotFoundError
     * (unknown, or another unit's), ForbiddenError, ConflictError (already resolved, or the work is gone).
     */
    async retry(user: User, id: string): Promise<IncidentView> {
      checkMayList(user);
      const incident = await incidents.byId(id);
      if (!incident || !(await mayAct(user, incident))) throw new NotFoundError(`incident ${id} not found`);
      if (incident.resolvedAt !== null) throw new ConflictError(`incident ${id} is resolved`, 'resolved');
      const handler = handlers.get(incident.kind);
      if (!handler) throw new ConflictError(`incidents of kind ${incident.kind} cannot be retried here`, 'unsupported');
      const definition = await definitionById(incident.definitionId);
      const at = clock().toISOString();
      await knex.transaction(async (trx) => {
        if (!(await incidents.resolve(trx, id, at))) throw new ConflictError(`incident ${id} is resolved`, 'resolved');
        await handler(trx, incident, at);
        await audit.append(trx, [
          { type: 'incident.resolved', at, definitionKey: definition.key, version: definition.version, instanceId: incident.instanceId, elementId: incident.elementId, userId: user.id, data: { incidentId: id, kind: incident.kind } },
        ]);
      });
      return incidentView({ ...incident, resolvedAt: at });
    },
  };
}

export type IncidentService = ReturnType<typeof incidentService>;
