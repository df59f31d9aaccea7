// Serialises work on one instance inside this process, so a live engine is never driven by two requests at once.
// Across processes the instance row's revision check does the same job.

export class InstanceLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(instanceId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(instanceId) ?? Promise.resolve();
    const current = previous.then(fn, fn);
    const tail = current.catch(() => undefined);
    this.tails.set(instanceId, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(instanceId) === tail) this.tails.delete(instanceId);
    }
  }
}
