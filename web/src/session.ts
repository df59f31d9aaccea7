// Who is signed in and what their roles open: admin everything, owners the modeler, lane roles the tasklist, auditors the dashboard.
import type { Definition, Me } from './types.js';

export type PageName = 'tugas' | 'pemodel' | 'audit';

export interface Session {
  me: Me;
  definitions: Definition[];
  pages: PageName[];
  /** Whether the user may deploy / audit the definition's unit. */
  owns(definition: Definition): boolean;
  audits(definition: Definition): boolean;
  roleName(roleId: string | null): string;
  timeZone(definitionKey: string): string;
  definition(key: string): Definition | undefined;
  /** How a drop-down names a SOP: its name, and its key beside it when another SOP has the same name. */
  label(definition: Pick<Definition, 'key' | 'name'>): string;
}

/** Names SOPs in drop-downs: `name`, or `name (key)` for a name several keys share. */
export function sopLabeller(definitions: ReadonlyArray<Pick<Definition, 'key' | 'name'>>): (definition: Pick<Definition, 'key' | 'name'>) => string {
  const keysByName = new Map<string, Set<string>>();
  for (const d of definitions) keysByName.set(d.name, (keysByName.get(d.name) ?? new Set()).add(d.key));
  return (d) => ((keysByName.get(d.name)?.size ?? 1) > 1 ? `${d.name} (${d.key})` : d.name);
}

/**
 * Whether a role is a lane role (a pelaksana's role id, with or without a unit prefix: `bkd-kalteng/jft`, `staff`)
 * rather than one of the service's own roles: `admin`, `owner`, `auditor`, `owner:<unit>`, `auditor:<unit>`
 * (DESIGN.md, Roles). The API serves a lane role's tasks whatever its spelling, so the page opens the tasklist for it.
 */
export function isLaneRole(role: string): boolean {
  return !(role === 'admin' || role === 'owner' || role === 'auditor' || role.startsWith('owner:') || role.startsWith('auditor:'));
}

/** The unit of a definition: the one the API names, else the prefix of its lane role ids (`bkd-kalteng/kabid` → `bkd-kalteng`). */
export function unitOf(definition: Definition): string | null {
  if (definition.unit) return definition.unit;
  const role = definition.roles.find((r) => r.id.includes('/'));
  return role ? (role.id.split('/')[0] ?? null) : null;
}

export function createSession(me: Me, definitions: Definition[]): Session {
  const roles = new Set(me.roles);
  const admin = roles.has('admin');
  const scoped = (kind: 'owner' | 'auditor') => (d: Definition) => {
    if (admin || roles.has(kind)) return true;
    const unit = unitOf(d);
    return unit !== null && roles.has(`${kind}:${unit}`);
  };
  const owns = scoped('owner');
  const audits = scoped('auditor');
  const anyOf = (kind: string) => admin || me.roles.some((r) => r === kind || r.startsWith(`${kind}:`));
  const pages: PageName[] = [];
  if (admin || me.roles.some(isLaneRole)) pages.push('tugas');
  if (anyOf('owner')) pages.push('pemodel');
  if (anyOf('auditor')) pages.push('audit');
  const roleNames = new Map<string, string>();
  for (const d of definitions) for (const r of d.roles) roleNames.set(r.id, r.name);
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  return {
    me,
    definitions,
    pages,
    owns,
    audits,
    roleName: (id) => (id ? (roleNames.get(id) ?? id) : '–'),
    timeZone: (key) => byKey.get(key)?.timeZone ?? 'Asia/Jakarta',
    definition: (key) => byKey.get(key),
    label: sopLabeller(definitions),
  };
}
