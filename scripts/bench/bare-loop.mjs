// Bare bpmn-engine alone in a loop, to run under node's own flags (`--cpu-prof`, `--trace-gc`) beside a profile of the
// service: `start` executes the Kalteng SOP to its first wait and serializes its state (the starts target's
// baseline), `timer` recovers, resumes and fires a due timer (the timers target's, scripts/bench/lib/timers.mjs).
// Prints operations, operations/s and CPU ms per operation.
// Usage: node [--cpu-prof --cpu-prof-dir=DIR | --trace-gc] scripts/bench/bare-loop.mjs start|timer [seconds=12]
import { Engine } from 'bpmn-engine';
import { loadDiagram, sourcelessState } from './lib/engine-baseline.mjs';
import { bareTimers } from './lib/timers.mjs';

const [kind = 'start', secondsArg = '12'] = process.argv.slice(2);
const seconds = Number(secondsArg);
if (kind === 'timer') {
  const r = await bareTimers({ seconds });
  console.log(`timer: ${r.firings} firings, ${r.firingsPerSecond.toFixed(0)}/s, ${r.cpuMsPerFiring.toFixed(2)} ms CPU per firing`);
} else if (kind === 'start') {
  const KEY = 'bkd-kalteng-konsultasi-ekinerja';
  const { sourceContext, baseEngineOptions } = await loadDiagram(KEY);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < seconds * 1000) {
    const engine = new Engine({ ...baseEngineOptions, name: KEY, sourceContext });
    await engine.execute({ variables: {} });
    JSON.stringify(sourcelessState(engine));
    n++;
  }
  const cpu = process.cpuUsage(cpu0);
  console.log(`start: ${n} starts, ${((n / (performance.now() - t0)) * 1000).toFixed(0)}/s, ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms CPU per start`);
} else {
  throw new Error(`unknown loop ${kind}: start or timer`);
}
