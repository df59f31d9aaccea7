// Who may do what: admin, owners and auditors (all units or one), and lane roles.
import type { User } from './users-repository.js';

export function isAdmin(user: User): boolean {
  return user.roles.includes('admin');
}

/** `owner` covers every unit, `owner:<unit>` one unit; admin is an owner everywhere. */
export function isOwnerOf(user: User, unit: string | null): boolean {
  if (isAdmin(user) || user.roles.includes('owner')) return true;
  return unit !== null && user.roles.includes(`owner:${unit}`);
}

export function isAuditorOf(user: User, unit: string | null): boolean {
  if (isAdmin(user) || user.roles.includes('auditor')) return true;
  return unit !== null && user.roles.includes(`auditor:${unit}`);
}

export function isAnyOwner(user: User): boolean {
  return isAdmin(user) || user.roles.some((r) => r === 'owner' || r.startsWith('owner:'));
}

export function holdsRole(user: User, role: string | null): boolean {
  return role !== null && user.roles.includes(role);
}
