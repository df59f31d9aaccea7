// Finds the declared name a misspelt one was meant to be (`keputusn` → `keputusan`).

/**
 * The Damerau-Levenshtein distance of two strings in its optimal-string-alignment form: the fewest insertions,
 * deletions, substitutions and swaps of two neighbouring characters that turn `a` into `b`.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => (rows[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * How far a name may be from a declared one and still count as a slip of the keyboard: 2 edits for names of 8
 * characters or more, 1 from 4, none below (`a` and `b` are two names, not one misspelt).
 */
export function slipAllowance(name: string): number {
  return name.length >= 8 ? 2 : name.length >= 4 ? 1 : 0;
}

/** Names that differ only in their digits (`tahap1`, `tahap2`) are numbered siblings, not a slip. */
const siblings = (a: string, b: string): boolean => /\d/.test(a + b) && a.replace(/\d+/g, '#') === b.replace(/\d+/g, '#');

/**
 * The candidate nearest to `name` within its slip allowance (the first of equals, in candidate order), or undefined.
 * A numbered sibling of `name` is never suggested.
 */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  const allowance = slipAllowance(name);
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate === name || siblings(name, candidate)) continue;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase()) + (name.toLowerCase() === candidate.toLowerCase() ? 1 : 0);
    if (distance <= allowance && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}
