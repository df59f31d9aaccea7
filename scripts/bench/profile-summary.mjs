// Sums a .cpuprofile's self time by function and by file: where a benchmarked server spends its CPU.
// Usage: node scripts/bench/profile-summary.mjs <file.cpuprofile> [top=25]
import fs from 'node:fs';

/**
 * Self time by function and by file, and the service's functions with their callees, of `file` (a .cpuprofile);
 * `keep(atUs)`: only the samples taken at that time (µs of the profile's monotonic clock, as process.hrtime) count.
 */
export function summarize(file, top = 25, keep = () => true) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = prof.timeDeltas;
  let at = prof.startTime;
  for (let i = 0; i < prof.samples.length; i++) {
    at += dt[i] ?? 0;
    if (!keep(at)) continue;
    const id = prof.samples[i];
    self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map();
  const files = new Map();
  for (const [id, us] of self) {
    const { callFrame: c } = byId.get(id);
    const file = (c.url || `(${c.functionName || 'native'})`).replace(/^file:\/\//, '').replace(/.*node_modules\//, 'nm/').replace(/.*\/dist\//, 'dist/');
    const name = `${c.functionName || '(anonymous)'} ${file}:${c.lineNumber + 1}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    const pkg = file.startsWith('nm/') ? file.split('/').slice(0, file.split('/')[1]?.startsWith('@') ? 3 : 2).join('/') : file;
    files.set(pkg, (files.get(pkg) ?? 0) + us);
  }
  const fmt = (m) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`)
      .join('\n');
  return { totalMs: total / 1000, byFunction: fmt(fn), byFile: fmt(files), inclusive: inclusive(prof, byId, self, total, top) };
}

/** Total time per function of the service's own code (dist/src), its callees included: where a request goes. */
function inclusive(prof, byId, self, total, top) {
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/.*\/dist\//, 'dist/')}:${n.callFrame.lineNumber + 1}`;
  const sums = new Map();
  for (const [id, us] of self) {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at);
      if (!n.callFrame.url.includes('/dist/src/')) continue;
      const k = name(n);
      if (seen.has(k)) continue;
      seen.add(k);
      sums.set(k, (sums.get(k) ?? 0) + us);
    }
  }
  return [...sums]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`)
    .join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = summarize(process.argv[2], Number(process.argv[3] ?? 25));
  console.log(`total ${s.totalMs.toFixed(0)} ms\n\nby package/file (self):\n${s.byFile}\n\nby function (self):\n${s.byFunction}\n\nthe service's functions, callees included:\n${s.inclusive}`);
}
