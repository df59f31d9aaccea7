// Which versions a message or signal starts a case on: each key's current version (in effect, not suspended) whose
// process has a start event triggered by that name. Read by POST /messages, POST /signals and a signal a case throws.
import { VersionNotStartableError } from '../errors.js';
import type { DefinitionsRepository, DefinitionVersion } from '../definitions/definitions-repository.js';
import { startableVersion } from '../definitions/version-lifecycle.js';
import type { CalendarStore } from '../sop/calendar-store.js';
import type { MessageDeclaration } from '../sop/sop-metadata.js';

/** A version a message or signal starts a case on, at the start event `startEventId`. */
export interface StartTarget {
  definition: DefinitionVersion;
  declaration: MessageDeclaration;
  startEventId: string;
}

/** The message or signal `name` as `definition` declares it (its sender roles, fields and start events). */
export function declarationOf(definition: DefinitionVersion, kind: MessageDeclaration['kind'], name: string): MessageDeclaration | undefined {
  return definition.metadata.messages?.find((m) => m.kind === kind && m.name === name);
}

export interface StartTargetDeps {
  definitions: DefinitionsRepository;
  calendars: CalendarStore;
  clock: () => Date;
  definitionById: (id: string) => Promise<DefinitionVersion>;
}

/**
 * The current versions (in effect, not suspended: DESIGN.md, POST /definitions/:key/instances) whose process starts
 * at a start event triggered by `name`; a key with no startable version has no target. Throws what the database throws.
 */
export async function startTargets(deps: StartTargetDeps, kind: MessageDeclaration['kind'], name: string): Promise<StartTarget[]> {
  const { definitions, calendars, clock, definitionById } = deps;
  const targets: StartTarget[] = [];
  for (const latest of await definitions.listLatest()) {
    const zone = (await calendars.get(latest.metadata.calendar)).timeZone;
    let current;
    try {
      current = startableVersion(latest.key, await definitions.lifecycle(latest.key), zone, clock());
    } catch (err) {
      if (err instanceof VersionNotStartableError) continue;
      throw err;
    }
    const declaration = declarationOf(current.id === latest.id ? latest : await definitionById(current.id), kind, name);
    const startEventId = declaration?.startEventIds[0];
    if (declaration && startEventId) targets.push({ definition: await definitionById(current.id), declaration, startEventId });
  }
  return targets;
}
