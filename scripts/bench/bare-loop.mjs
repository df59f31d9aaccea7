// Bare bpmn-engine alone in a loop, to run under node's own flags (`--cpu-prof`, `--trace-gc`) beside a profile of the
// service: `start` executes the Kalteng SOP to its first wait and serializes its state (the starts target's
// baseline), `timer` recovers, resumes and fires a due timer (the timers target's, scripts/bench/lib/timers.mjs).
// Prints operations, operations/s and CPU ms per operation.
// `timer` takes how many measurements to make in a row and the warm-up before the first, in ms (1500 as the bench; 0
// shows how fast a cold process starts: 50 firings only).
// Usage: node [--cpu-prof --cpu-prof-dir=DIR | --trace-gc] scripts/bench/bare-loop.mjs start|timer [seconds=12] [repeats=1] [warm-up ms=1500]
import { Engine } from 'bpmn-engine';
import { loadDiagram, sourcelessState } from './lib/engine-baseline.mjs';
import { bareTimers } from './lib/timers.mjs';

const [kind = 'start', secondsArg = '12', repeats = '1', warmUpMs = '1500'] = process.argv.slice(2);
const seconds = Number(secondsArg);
if (kind === 'timer') {
  for (let i = 0; i < Number(repeats); i++) {
    const r = await bareTimers({ seconds, warmUpMs: i === 0 ? Number(warmUpMs) : 0 });
    console.log(`timer: ${r.firings} firings, ${r.firingsPerSecond.toFixed(0)}/s, ${r.cpuMsPerFiring.toFixed(2)} ms CPU per firing`);
  }
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
