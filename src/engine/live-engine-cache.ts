// Keeps live engines between requests, least recently used first out, within a budget of estimated bytes.

interface Entry<T> {
  rev: number;
  value: T;
  bytes: number;
}

/**
 * An LRU map from instance id to the live engine of one revision. `take` removes the entry, so an engine is in use
 * by at most one run; an entry of another revision is dropped, because the database moved on without it.
 */
export class LiveEngineCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private bytes = 0;

  /** `budget`: the most estimated bytes held at once; an entry heavier than the budget is not kept. */
  constructor(private readonly budget: number) {}

  /** The engine of instance `id` at revision `rev`, removed from the cache; undefined when absent or stale. */
  take(id: string, rev: number): T | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.remove(id, entry);
    return entry.rev === rev ? entry.value : undefined;
  }

  /** Keeps `value` as instance `id`'s engine at revision `rev`, evicting the least recently used beyond the budget. */
  set(id: string, rev: number, value: T, bytes: number): void {
    const old = this.entries.get(id);
    if (old) this.remove(id, old);
    if (bytes > this.budget) return;
    this.entries.set(id, { rev, value, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.budget) break;
      this.remove(oldest, entry);
    }
  }

  /** Whether an entry of `bytes` could be kept at all: the caller need not hold on to what cannot be. */
  fits(bytes: number): boolean {
    return bytes <= this.budget;
  }

  /** How many engines are held and their estimated bytes. */
  get size(): { engines: number; bytes: number } {
    return { engines: this.entries.size, bytes: this.bytes };
  }

  private remove(id: string, entry: Entry<T>): void {
    this.entries.delete(id);
    this.bytes -= entry.bytes;
  }
}
