// What a server ran while its SQLite connection held the write lock: the samples of its CPU profile that fall
// inside the holds lock-probe.mjs recorded, summed by function and file as profile-summary.mjs does, per hold.
// Usage: npm run build && LOCK_PROBE_DIR=/tmp/lp NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/lp --cpu-prof-interval=100
//   --import=$PWD/scripts/bench/lock-probe.mjs" node scripts/bench/cpu-cost.mjs 1500
//   node scripts/bench/hold-profile.mjs /tmp/lp/CPU.<…>.<pid>.0.001.cpuprofile /tmp/lp/lock-holds-<pid>.json [top=25]
// (the profile whose name carries the pid of lock-holds-<pid>.json and thread 0: the main thread's).
import fs from 'node:fs';
import { summarize } from './profile-summary.mjs';

const [profile, holdsFile, top = '25'] = process.argv.slice(2);
const holds = JSON.parse(fs.readFileSync(holdsFile, 'utf8'));
// Samples come in time order and holds are disjoint and ordered: one pass with a moving index.
let next = 0;
const inHold = (atUs) => {
  while (next < holds.length && holds[next][1] < atUs) next++;
  return next < holds.length && atUs >= holds[next][0];
};
const s = summarize(profile, Number(top), inHold);
const heldMs = holds.reduce((sum, [from, to]) => sum + (to - from), 0) / 1000;
const perHold = (ms) => `${((ms * 1000) / holds.length).toFixed(0)} µs`;
console.log(`${holds.length} holds, ${heldMs.toFixed(0)} ms held (${perHold(heldMs)} each); profiled inside them ${s.totalMs.toFixed(0)} ms (${perHold(s.totalMs)} each)`);
console.log(`\nby package/file (self):\n${s.byFile}\n\nby function (self):\n${s.byFunction}\n\nthe service's functions, callees included:\n${s.inclusive}`);
