// Suspending and resuming a definition version (owners of its unit, admins), and the lifecycle of a SOP's versions
// read from the database: which one new cases start on now, which are scheduled. A start (through the API, a call
// activity, and any other way a case begins) picks its version with startableVersion (version-lifecycle.ts).
import type { Knex } from 'knex';
import type { AuditChain } from '../audit/audit-chain.js';
import type { User } from '../auth/users-repository.js';
import { isAnyOwner, isOwnerOf } from '../auth/roles.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import type { CalendarStore } from '../sop/calendar-store.js';
import type { DefinitionsRepository, DefinitionVersion } from './definitions-repository.js';
import { lifecycleOf, type VersionLifeView } from './version-lifecycle.js';

/** A version's suspension as the suspend and resume routes answer it. */
export interface Suspension {
  key: string;
  version: number;
  suspended: boolean;
  suspendedAt: string | null;
  suspendedBy: string | null;
}

/** `onChanged`: called after a suspend or resume that changed something has committed (timer start schedules follow); must not throw. */
export function versionStates(deps: { knex: Knex; definitions: DefinitionsRepository; calendars: CalendarStore; audit: AuditChain; clock: () => Date; onChanged?: () => Promise<void> }) {
  const { knex, definitions, calendars, audit, clock } = deps;

  /** The SOP's zone: that of its latest version's calendar (a unit's calendar may have its own). */
  const zoneOf = async (latest: DefinitionVersion): Promise<string> => (await calendars.get(latest.metadata.calendar)).timeZone;

  /**
   * The latest version of `key`, for a change only an owner of its unit (or an admin) may make.
   * @throws ForbiddenError for anyone else (also another unit's owner: as a deploy of that key), NotFoundError for an unknown key.
   */
  async function ownedLatest(user: User, key: string, action: string): Promise<DefinitionVersion> {
    if (!isAnyOwner(user)) throw new ForbiddenError(`${action} needs the owner or admin role`);
    const latest = await definitions.latest(key);
    if (!latest) throw new NotFoundError(`definition ${key} not found`);
    if (!isOwnerOf(user, latest.metadata.unit)) throw new ForbiddenError(`${action} of ${key} needs owner:${latest.metadata.unit ?? '*'}`);
    return latest;
  }

  async function setSuspended(user: User, key: string, version: number, suspend: boolean, reason: string | undefined): Promise<Suspension> {
    await ownedLatest(user, key, suspend ? 'suspending a version' : 'resuming a version');
    const changed = await knex.transaction(async (trx) => {
      const found = (await definitions.lifecycle(key, trx)).find((v) => v.version === version);
      if (!found) throw new NotFoundError(`definition ${key} version ${version} not found`);
      // Suspending a suspended version (or resuming a running one) changes nothing and records nothing, as in Camunda.
      if ((found.suspendedAt !== null) === suspend) return false;
      const at = clock().toISOString();
      await definitions.setSuspended(trx, key, version, suspend ? { at, by: user.id } : null);
      await audit.append(trx, [{ type: suspend ? 'definition.suspended' : 'definition.resumed', at, definitionKey: key, version, userId: user.id, data: reason ? { reason } : null }]);
      return true;
    });
    if (changed) await deps.onChanged?.();
    const entry = (await definitions.versions(key)).find((v) => v.version === version);
    return { key, version, suspended: suspend, suspendedAt: entry?.suspendedAt ?? null, suspendedBy: entry?.suspendedBy ?? null };
  }

  return {
    ownedLatest,
    /** Every version of the key with its status now (from the database), oldest first; `latest` gives the zone. */
    async lifecycle(latest: DefinitionVersion): Promise<VersionLifeView[]> {
      return lifecycleOf(await definitions.lifecycle(latest.key), await zoneOf(latest), clock());
    },
    /** Stops new starts on a version; its running cases go on. Audited as `definition.suspended`. @throws ForbiddenError, NotFoundError. */
    suspend: (user: User, key: string, version: number, reason?: string) => setSuspended(user, key, version, true, reason),
    /** Lets new cases start on a suspended version again. Audited as `definition.resumed`. @throws ForbiddenError, NotFoundError. */
    resume: (user: User, key: string, version: number, reason?: string) => setSuspended(user, key, version, false, reason),
  };
}

export type VersionStates = ReturnType<typeof versionStates>;
