// The one canonical form of stored text: well-formed Unicode without NUL, in Normalization Form C.
import type { FieldProblem } from '../errors.js';

// With the `u` flag a surrogate range matches only a surrogate that is not half of a pair.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const LONE_SURROGATES = /[\uD800-\uDFFF]/gu;

/** JSON bodies nest at most this deep; deeper values are refused before anything walks them recursively. */
export const MAX_JSON_DEPTH = 32;

/**
 * Why `text` cannot be stored as it is, or undefined when it can. A lone UTF-16 surrogate has no UTF-8 form: each
 * database driver and the hash would each replace it in its own way, so what is stored, hashed and acknowledged
 * would differ. PostgreSQL cannot store NUL in text at all.
 */
export function textProblem(text: string): string | undefined {
  if (LONE_SURROGATE.test(text)) return 'is not well-formed Unicode (it holds a lone UTF-16 surrogate)';
  if (text.includes('\u0000')) return 'holds a NUL character';
  return undefined;
}

/** The stored form of text that has no textProblem: NFC, so that "é" typed two ways compares, hashes and sorts as one. */
export function canonicalText(text: string): string {
  return text.normalize('NFC');
}

/** `text` with every lone surrogate replaced by U+FFFD, what a UTF-8 encoder writes for it: for text that must be kept, never refused. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATES, '\uFFFD');
}

/** `text` as both databases store it alike: each lone surrogate and NUL replaced by U+FFFD (for text that must be kept). */
export function storableText(text: string): string {
  return wellFormed(text).replaceAll('\u0000', '\uFFFD');
}

const isPlainObject = (value: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/** A field path as the error body names it: `a.0.b`, prefixed by `query` or `params` outside the body. */
function join(path: string, key: string | number): string {
  return path === 'body' ? String(key) : `${path}.${key}`;
}

/**
 * Walks a parsed JSON value (body, query or params): every string and object key in canonical form, and a problem
 * for each one that has a textProblem, named by its path (`body` for the value itself). Objects are rebuilt with
 * Object.fromEntries, which defines `__proto__` as a plain key instead of setting the prototype.
 */
export function canonicalJson(value: unknown, path = 'body', depth = 0): { value: unknown; problems: FieldProblem[] } {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { value, problems: [{ name: path, message: problem }] } : { value: canonicalText(value), problems: [] };
  }
  // Only what JSON.parse makes is walked: a Buffer or stream a content-type parser gives stays as it is.
  if (value === null || typeof value !== 'object' || !(Array.isArray(value) || isPlainObject(value))) return { value, problems: [] };
  if (depth >= MAX_JSON_DEPTH) return { value, problems: [{ name: path, message: `nests deeper than ${MAX_JSON_DEPTH} levels` }] };
  const problems: FieldProblem[] = [];
  if (Array.isArray(value)) {
    const items = value.map((item, i) => {
      const inner = canonicalJson(item, join(path, i), depth + 1);
      problems.push(...inner.problems);
      return inner.value;
    });
    return { value: items, problems };
  }
  const entries = Object.entries(value as Record<string, unknown>).map(([key, item]): [string, unknown] => {
    const keyProblem = textProblem(key);
    if (keyProblem) problems.push({ name: join(path, wellFormed(key)), message: `the key ${keyProblem}` });
    const inner = canonicalJson(item, join(path, keyProblem ? wellFormed(key) : key), depth + 1);
    problems.push(...inner.problems);
    return [keyProblem ? key : canonicalText(key), inner.value];
  });
  return { value: Object.fromEntries(entries), problems };
}
