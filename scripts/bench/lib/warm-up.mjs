/**
 * Runs `fn` at least `min` times and for at least `ms` milliseconds before a measurement. A count alone is too short
 * on a slow machine: on a 2-core AMD EPYC VM, bare bpmn-engine's timer firings ran at 148/s in the first 5 s of a
 * process and at 187–199/s in the next 20 (V8 was still optimizing), so the run measured first read a quarter low.
 * Returns how many times `fn` ran.
 */
export async function warmUp(fn, { ms = 1500, min = 20 } = {}) {
  const t0 = performance.now();
  let runs = 0;
  while (runs < min || performance.now() - t0 < ms) {
    await fn();
    runs++;
  }
  return runs;
}
