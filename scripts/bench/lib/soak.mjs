// The soak: whole cases (start, then list and complete each task until the instance ends) begun at a steady
// rate for a while, the server's RSS (from /proc) and heap (over IPC) sampled every 10 s: as they are, then again
// right after a full collection the bench asks for (the server runs with --expose-gc). Between major collections V8
// lets the heap grow to ~200 MiB on a 2-core VM and RSS follows (217-338 MiB within one run), so only the figures
// after a collection tell retained memory, and growth, from the phase of the collector's cycle a sample falls on.
import { api } from './server.mjs';

export function completionBody(task, choice = 0) {
  const variables = {};
  for (const f of task.form ?? []) variables[f.name] = f.type === 'enum' ? (f.options[choice % f.options.length] ?? f.options[0]).value : f.type === 'boolean' ? true : 'uji';
  return { documents: task.requires.map((name, i) => ({ name, ref: `DOC-${i}` })), output: task.output.map((name) => ({ name })), variables };
}

async function runCase(server, token, key, n) {
  const inst = await api(server.base, 'POST', `/definitions/${key}/instances`, token, { businessKey: `soak-${n}` });
  for (let step = 0; step < 20; step++) {
    const list = await api(server.base, 'GET', `/tasks?instanceId=${inst.id}`, token);
    const task = list.items[0];
    if (!task) return step;
    // Alternate the decision so both paths run.
    await api(server.base, 'POST', `/tasks/${task.id}/complete`, token, completionBody(task, n));
  }
  throw new Error(`instance ${inst.id} did not end`);
}

/**
 * Where the warm-up ends: the first sample after `minMs` at which the load generator keeps up (at most `caughtUp`
 * cases under way), and at the latest the sample at half the run. A backlog of cases under way (the machine loaded
 * by others) holds their engines and requests in the heap; V8 keeps the heap it grew for them until a full
 * collection after the backlog cleared, so RSS measured during a backlog is the backlog's, not the baseline's
 * (a run of 2026-12-01: 395 MiB while ~150 cases were behind, 221 MiB ten seconds after they caught up).
 */
export function warmupEnd(samples, { minMs, maxMs, caughtUp }) {
  const eligible = samples.filter((x) => x.s * 1000 >= minMs);
  const kept = eligible.find((x) => x.s * 1000 <= maxMs && (x.inflight ?? 0) <= caughtUp);
  return kept ?? eligible.find((x) => x.s * 1000 >= maxMs) ?? eligible[0] ?? samples[0];
}

export async function soak({ server, token, key, minutes, casesPerSecond = 4, sampleSeconds = 10, log = () => undefined }) {
  const totalMs = minutes * 60_000;
  const minWarmupMs = Math.min(120_000, totalMs * 0.2);
  // Kept up: no more cases under way than 5 s of arrivals (a whole case takes well under a second on a quiet machine).
  const caughtUp = Math.max(2, Math.ceil(casesPerSecond * 5));
  const samples = [];
  const t0 = Date.now();
  let started = 0;
  let finished = 0;
  let steps = 0;
  let failures = 0;
  let firstError = null;
  const inflight = new Set();
  const sample = async () => {
    const rssAsIs = server.rss();
    const mem = await server.memory({ collect: true });
    const collected = mem?.collected === true;
    const heapAsIs = (collected ? mem.before.heapUsed : mem?.heapUsed) ?? null;
    samples.push({ s: Math.round((Date.now() - t0) / 1000), rss: server.rss(), heapUsed: mem?.heapUsed ?? null, heapTotal: mem?.heapTotal ?? null, collected, rssAsIs, heapAsIs, finished, inflight: inflight.size });
    const last = samples[samples.length - 1];
    const mib = (b) => ((b ?? 0) / 2 ** 20).toFixed(0);
    log(`  soak ${last.s}s: rss ${mib(last.rssAsIs)} MiB, heap ${mib(last.heapAsIs)} MiB; ${collected ? `after a full collection ${mib(last.rss)} and ${mib(last.heapUsed)} MiB; ` : ''}${finished} cases done, ${last.inflight} under way`);
  };
  await sample();
  const sampler = setInterval(() => void sample(), sampleSeconds * 1000);
  const interval = 1000 / casesPerSecond;
  while (Date.now() - t0 < totalMs) {
    const n = started++;
    const p = runCase(server, token, key, n).then(
      (s) => {
        finished++;
        steps += s;
      },
      (err) => {
        failures++;
        firstError ??= String(err.message ?? err);
      },
    );
    inflight.add(p);
    p.finally(() => inflight.delete(p));
    const next = t0 + started * interval;
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
  await Promise.all(inflight);
  clearInterval(sampler);
  await sample();
  const afterWarmup = warmupEnd(samples, { minMs: minWarmupMs, maxMs: totalMs / 2, caughtUp });
  const end = samples[samples.length - 1];
  return {
    minutes,
    casesPerSecond,
    started,
    finished,
    steps,
    failures,
    firstError,
    warmupSeconds: afterWarmup.s,
    caughtUp,
    inflightAfterWarmup: afterWarmup.inflight ?? null,
    samples,
    rssAfterWarmup: afterWarmup.rss,
    rssEnd: end.rss,
    heapAfterWarmup: afterWarmup.heapUsed,
    heapEnd: end.heapUsed,
    growth: end.rss / afterWarmup.rss - 1,
  };
}
