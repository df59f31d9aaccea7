// Opaque keyset cursors for list pages.
import { ValidationError } from '../errors.js';

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(cursor: string | undefined, check: (v: unknown) => v is T): T | undefined {
  if (cursor === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!check(value)) throw new ValidationError('invalid cursor', [{ name: 'query.cursor', message: 'not a cursor this list returned' }]);
  return value;
}

/**
 * A guard for a keyset cursor object whose `fields` are strings; those listed in `nullable` may also be null
 * (a task without a due date).
 */
export function keysetCursor<F extends string, N extends F = never>(fields: readonly F[], nullable: readonly N[] = []) {
  return (v: unknown): v is { [K in F]: K extends N ? string | null : string } =>
    typeof v === 'object' &&
    v !== null &&
    fields.every((f) => {
      const value = (v as Record<string, unknown>)[f];
      return typeof value === 'string' || (value === null && (nullable as readonly string[]).includes(f));
    });
}
