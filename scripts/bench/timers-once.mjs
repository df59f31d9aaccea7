// The service's part of the timers target on its own: `cases` due timers fired by one process on SQLite
// (scripts/bench/lib/timers.mjs), with node flags for that process (`--trace-gc`, whose lines go to this script's
// output with SERVER_STDOUT=1) and, with --profile, its CPU profile summarized (the service's own functions, packages).
// Usage: npm run build && [SERVER_STDOUT=1] node scripts/bench/timers-once.mjs [--cases 4000] [--profile] [--node-arg=--trace-gc …] [--env=NAME=value …]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serviceTimers } from './lib/timers.mjs';

const argv = process.argv.slice(2);
const casesAt = argv.indexOf('--cases');
const cases = casesAt === -1 ? 4000 : Number(argv[casesAt + 1]);
const nodeArgs = argv.filter((a) => a.startsWith('--node-arg=')).map((a) => a.slice('--node-arg='.length));
const env = Object.fromEntries(argv.filter((a) => a.startsWith('--env=')).map((a) => a.slice('--env='.length).split(/=(.*)/s, 2)));
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'timers-once-'));
try {
  const r = await serviceTimers({ workDir, cases, profile: argv.includes('--profile'), nodeArgs, env, log: console.log });
  console.log(`${r.fired} fired, ${r.firingsPerSecond.toFixed(0)}/s, ${r.cpuMsPerFiring?.toFixed(2)} ms CPU per firing, ${r.duplicates} twice, ${r.jobsLeft} jobs left`);
  if (r.profile) console.log(`\nby package:\n${r.profile.byFile}\n\nthe service's functions, callees included:\n${r.profile.inclusive}`);
} finally {
  fs.rmSync(workDir, { recursive: true, force: true });
}
