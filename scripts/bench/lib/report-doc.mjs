// Turns one bench run into its sections of docs/BENCHMARKS.md (each between its markers; the rest of the file is
// kept) and the PASS/FAIL verdict of each of issue 9's targets and issue 19's timer targets. The timers part has
// a section of its own, so that a run of that part alone leaves the other parts' figures as they are, and back.
import fs from 'node:fs';

const START = '<!-- bench:start (written by `npm run bench`; edit scripts/bench/lib/report-doc.mjs, not this section) -->';
const END = '<!-- bench:end -->';
const TIMERS_START = '<!-- bench-timers:start (written by `npm run bench`, part timers; edit scripts/bench/lib/report-doc.mjs, not this section) -->';
const TIMERS_END = '<!-- bench-timers:end -->';
/** The late firings the lateness target allows at its percentile, in ms. */
const LATENESS_P99_MS = 2000;

const f0 = (n) => (n === null || n === undefined || Number.isNaN(n) ? '–' : Math.round(n).toLocaleString('en-US'));
const f2 = (n) => (n === null || n === undefined || Number.isNaN(n) ? '–' : n.toFixed(2));
const mib = (b) => (b === null || b === undefined ? '–' : `${(b / 2 ** 20).toFixed(0)} MiB`);
const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

const median = (a) => {
  const x = a.filter((v) => v !== null && v !== undefined).sort((p, q) => p - q);
  return x.length ? x[Math.floor((x.length - 1) / 2)] : null;
};

/**
 * RSS follows the collector's sawtooth (±30 % within a minute here), so one sample against one sample says more
 * about when the collector last ran than about growth: compare the medians of the minute after warm-up and of the
 * last minute (six samples each at 10 s), of the figures read after a full collection when the run took them
 * (`collected`), else of the figures as they were. `rssAsIs*`: the medians of the figures as they were.
 */
export function soakWindows(soak) {
  // Samples taken while a backlog of cases was under way measure the backlog (soak.mjs, warmupEnd): each window
  // keeps the samples at which the load generator kept up, when it has any.
  const keptUp = (xs) => {
    const kept = soak.caughtUp === undefined ? xs : xs.filter((x) => (x.inflight ?? 0) <= soak.caughtUp);
    return kept.length > 0 ? kept : xs;
  };
  const after = keptUp(soak.samples.filter((x) => x.s >= soak.warmupSeconds && x.s < soak.warmupSeconds + 60));
  const lastS = soak.samples[soak.samples.length - 1].s;
  const end = keptUp(soak.samples.filter((x) => x.s > lastS - 60));
  const rssAfterWarmup = median(after.map((x) => x.rss));
  const rssEnd = median(end.map((x) => x.rss));
  const asIs = (xs) => median(xs.map((x) => x.rssAsIs ?? x.rss));
  return {
    rssAfterWarmup,
    rssEnd,
    heapAfterWarmup: median(after.map((x) => x.heapUsed)),
    heapEnd: median(end.map((x) => x.heapUsed)),
    growth: rssEnd / rssAfterWarmup - 1,
    collected: soak.samples.some((x) => x.collected === true),
    rssAsIsAfterWarmup: asIs(after),
    rssAsIsEnd: asIs(end),
  };
}

const config = (h) => (h.workers > 1 ? `WORKERS=${h.workers}` : 'one process');

/**
 * The most the completions of WORKERS=2 can reach, as a multiple of one process's, on a machine of `cores` cores that
 * the load generator shares: the machine's cores ÷ the cores one process's run kept busy (server and load generator),
 * if each completion kept costing the same CPU. Undefined when the run did not measure them.
 */
export function workersCeiling(cores, busy) {
  return cores && busy ? cores / (busy.server + busy.loadGenerator) : undefined;
}

const coresOf = (phase) => (phase.cores ? `server ${f2(phase.cores.server)}, load generator ${f2(phase.cores.loadGenerator)}` : '–');
const MB = 1e6;

export function verdictsOf(r) {
  const v = [];
  // The bare rates measured right around the one-process run when there are some (see run.mjs), else the engine part's.
  const rec = r.bracket?.recovering ?? r.engine?.recovering.stepsPerSecond;
  const exec = r.bracket?.execute ?? r.engine?.execute.startsPerSecond;
  const one = r.httpSqlite;
  if (one && rec) {
    const c = one.completions.perSecond;
    v.push({ target: 'completions/s over HTTP on SQLite, one process ≥ 0.8 × bare bpmn-engine recover → resume → signal → getState steps/s', value: `${f0(c)}/s vs 0.8 × ${f0(rec)} = ${f0(0.8 * rec)}/s (ratio ${f2(c / rec)})`, pass: c >= 0.8 * rec });
  }
  if (one && exec) {
    const s = one.starts.perSecond;
    v.push({ target: 'starts/s over HTTP on SQLite, one process ≥ 0.8 × bare execute + getState/s', value: `${f0(s)}/s vs 0.8 × ${f0(exec)} = ${f0(0.8 * exec)}/s (ratio ${f2(s / exec)})`, pass: s >= 0.8 * exec });
  }
  if (one && r.httpSqliteCluster) {
    const h = r.httpSqliteCluster;
    const c = h.completions.perSecond;
    const c1 = one.completions.perSecond;
    const ceiling = workersCeiling(r.machine?.cores, one.completions.cores);
    const bound = ceiling === undefined ? '' : `; this machine's ceiling for the ratio: ${f2(ceiling)} (below)`;
    v.push({ target: `completions/s on SQLite with WORKERS=${h.workers} ≥ 1.4 × one process`, value: `${f0(c)}/s vs 1.4 × ${f0(c1)} = ${f0(1.4 * c1)}/s (ratio ${f2(c / c1)}${bound})`, pass: c >= 1.4 * c1 });
  }
  if (r.burst) {
    const b = r.burst;
    v.push({ target: `RSS of one process ≤ 400 MB after a burst of ${f0(r.options.burst)} starts`, value: `${f0(b.rss / MB)} MB right after ${f0(b.starts.ok)} starts (peak ${f0(b.peak / MB)} MB, ${f0(b.later.rss / MB)} MB 10 s later; heap used ${f0(b.heapUsed / MB)} MB)`, pass: b.rss <= 400 * MB && b.starts.ok >= r.options.burst });
  }
  if (r.tasks?.length) {
    const worst = Math.max(...r.tasks.flatMap((t) => [t.p99, t.defaultPage?.p99 ?? 0]));
    v.push({ target: 'GET /tasks p99 < 20 ms at every size', value: `worst p99 ${worst} ms (limit ${r.tasks[0].pageSize} and the default page of 50)`, pass: worst < 20 });
    const small = r.tasks.find((t) => t.rows === 10_000);
    const big = r.tasks.find((t) => t.rows === 1_000_000);
    if (small && big) v.push({ target: 'GET /tasks p50 at 1M rows ≤ 1.5 × p50 at 10k', value: `${big.p50} ms vs ${small.p50} ms at limit ${big.pageSize} (× ${f2(big.p50 / Math.max(small.p50, 0.001))})`, pass: big.p50 <= 1.5 * small.p50 });
  }
  if (r.report) {
    const million = r.report.completed >= 1_000_000;
    v.push({ target: 'GET /audit/report over 1M step events < 2 s', value: `${f0(r.report.median)} ms median of ${r.report.runs.length} over ${f0(r.report.completed)} completed steps${million ? '' : ' (fewer than 1M: not the target size)'}`, pass: r.report.median < 2000 && million });
  }
  if (r.soak) {
    const w = soakWindows(r.soak);
    const after = w.collected ? ' after a full collection' : '';
    v.push({
      target: `soak: RSS${after} at the end within 10 % of RSS${after} after warm-up`,
      value: `median RSS${after} of the minute after warm-up ${mib(w.rssAfterWarmup)} → of the last minute ${mib(w.rssEnd)} (${pct(w.growth)}); heap ${mib(w.heapAfterWarmup)} → ${mib(w.heapEnd)}${w.collected ? `; as sampled, before the collection: ${mib(w.rssAsIsAfterWarmup)} → ${mib(w.rssAsIsEnd)}` : ''}; single samples ${mib(r.soak.rssAfterWarmup)} → ${mib(r.soak.rssEnd)}; over ${r.soak.minutes} min, ${r.soak.failures} failed cases`,
      pass: Math.abs(w.growth) <= 0.1 && r.soak.failures === 0,
    });
  }
  return v;
}

/** Bare bpmn-engine's CPU ms per firing, the mean of the runs around the service's, or null (an older run). */
const cpuPerFiring = (bare) => (bare.before.cpuMsPerFiring && bare.after.cpuMsPerFiring ? (bare.before.cpuMsPerFiring + bare.after.cpuMsPerFiring) / 2 : null);

/** Issue 19's timer targets, when the run has the timers part. */
export function timerVerdictsOf(r) {
  const t = r.timers;
  if (!t) return [];
  const s = t.service;
  const bare = t.bare.firingsPerSecond;
  const l = t.lateness;
  const complete = s.done && s.fired === s.cases && s.duplicates === 0 && s.jobsLeft === 0 && s.auditVerified;
  const bareCpu = cpuPerFiring(t.bare);
  const cpu = s.cpuMsPerFiring && bareCpu ? `; CPU per firing ${f2(s.cpuMsPerFiring)} ms vs bare ${f2(bareCpu)} ms (firings per CPU-second ratio ${f2(bareCpu / s.cpuMsPerFiring)})` : '';
  return [
    {
      target: `due timers fired/s on SQLite, one process, ${f0(s.cases)} due ≥ 0.8 × bare bpmn-engine recover → resume → fire → getState/s`,
      value: `${f0(s.firingsPerSecond)}/s vs 0.8 × ${f0(bare)} = ${f0(0.8 * bare)}/s (ratio ${f2(s.firingsPerSecond / bare)})${cpu}; ${f0(s.fired)} fired once each, ${s.duplicates} twice, ${s.jobsLeft} jobs left`,
      pass: complete && s.firingsPerSecond >= 0.8 * bare,
    },
    {
      target: `p99 lateness ≤ ${LATENESS_P99_MS / 1000} s with timers due at a steady 50 % of that rate`,
      value: `p99 ${f0(l.p99)} ms (p50 ${f0(l.p50)} ms, max ${f0(l.max)} ms) over ${f0(l.fired)} timers due at ${l.rate.toFixed(1)}/s for ${l.seconds} s`,
      pass: l.done && l.fired === l.cases && l.jobsLeft === 0 && l.p99 <= LATENESS_P99_MS,
    },
  ];
}

/** The timers part's section: the verdicts, then the figures behind them. */
export function timersMarkdownOf(r, verdicts) {
  const m = r.machine;
  const { bare, service: s, lateness: l } = r.timers;
  const phases = (b) => `${f2(b.perFiringMs.recover)} ms recover + ${f2(b.perFiringMs.resume)} ms resume + ${f2(b.perFiringMs.fire)} ms until the timer's path ended + ${f2(b.perFiringMs.getState)} ms getState`;
  const lines = [];
  lines.push(`## Due timers: the job executor against bare bpmn-engine (\`npm run bench\`, part timers), ${m.date.slice(0, 10)}, commit ${m.commit}`);
  lines.push('');
  lines.push(
    `Machine: ${m.cores} cores (${m.cpu}), ${m.ramGiB} GiB RAM, ${m.os}; Node ${m.node}, SQLite ${m.sqlite} (better-sqlite3 ${m.betterSqlite3}), bpmn-engine ${m.bpmnEngine}. Run at ${m.date}` +
      `${m.load ? `, load average ${m.load.map((x) => x.toFixed(1)).join(' / ')} at the start (other sessions share the machine: the absolute rates move with their load, so the ratios measured in the same run are what count)` : ''}.`,
  );
  lines.push('');
  lines.push('| target | measured | |');
  lines.push('|---|---|---|');
  for (const v of verdicts) lines.push(`| ${v.target} | ${v.value} | **${v.pass ? 'PASS' : 'FAIL'}** |`);
  lines.push('');
  lines.push(
    'The diagram (`scripts/bench/lib/timers.mjs`): a user task with a non-interrupting boundary timer whose `timeDate` reads the case variable `jatuhTempo`, then an end event. ' +
      `Bare bpmn-engine (same diagram, the service's engine options, state without the source): per firing, a new engine recovers a case waiting on the timer with its due time passed, resumes (bpmn-elements' own timer fires at once), runs the timer's path to its end event and gives its state; measured right before and right after the service, ${f0(bare.before.firingsPerSecond)} and ${f0(bare.after.firingsPerSecond)} firings/s (mean ${f0(bare.firingsPerSecond)}); per firing ${phases(bare.after)}.`,
  );
  lines.push('');
  lines.push(
    `Service (\`node dist/src/server.js\`, no SOP deployed at boot, the part deploys its diagram over HTTP): ${f0(s.cases)} cases started over HTTP with the executor off (\`JOB_POLL_MS=0\`, ${f0(s.seedRate)} starts/s), all due; then a fresh process (its engine cache empty, so each firing recovers the case from its stored state) with the executor on. ` +
      `${f0(s.fired)} \`timer.fired\` events over ${f2(s.spanMs / 1000)} s from the first to the last (${f0(s.wallPerSecond)}/s counting the process's start, ${f2(s.wallMs / 1000)} s from its spawn); audit chain verifies: ${s.auditVerified}; RSS at the end ${mib(s.rssEnd)}. ` +
        'On a machine other sessions load, the wall-clock rates of two moments differ by the load that fell on each; the CPU time per firing (the service process\'s from /proc between the first and the last firing, SQLite included; bare bpmn-engine\'s from process.cpuUsage) does not, so it is given beside the target\'s ratio.',
  );
  if (s.profile) lines.push(`Server profile (self time by package, ${f0(s.profile.totalMs)} ms sampled): ${s.profile.byFile.split('\n').map((x) => x.trim().replace(/\s+/g, ' ')).join('; ')}.`);
  lines.push('');
  lines.push(
    `Lateness: ${f0(l.cases)} cases due one every ${f2(1000 / l.rate)} ms (half the service's rate above), seeded with the executor off, then a fresh process up ${f2(l.upBeforeFirstMs / 1000)} s before the first was due; lateness is \`timer.fired\`'s \`at\` minus the job's due time: min ${f0(l.min)} ms, p50 ${f0(l.p50)} ms, p99 ${f0(l.p99)} ms, max ${f0(l.max)} ms.`,
  );
  return lines.join('\n');
}

function httpRows(name, h, r) {
  if (!h) return [];
  const live = r.engine?.live.stepsPerSecond;
  const rec = r.engine?.recovering.stepsPerSecond;
  const exec = r.engine?.execute.startsPerSecond;
  const raw = r.sqliteRaw?.perSecond;
  const ratio = (a, b) => (b ? f2(a / b) : '–');
  return [
    `| ${name} starts | ${f0(h.starts.perSecond)}/s | ${h.starts.p50} ms | ${h.starts.p99} ms | ${f0(h.starts.ok)} (${h.starts.non2xx} non-2xx) | × ${ratio(h.starts.perSecond, exec)} of bare execute + state/s | – |`,
    `| ${name} completions | ${f0(h.completions.perSecond)}/s | ${h.completions.p50} ms | ${h.completions.p99} ms | ${f0(h.completions.ok)} (${h.completions.non2xx} non-2xx) | × ${ratio(h.completions.perSecond, live)} of live steps/s, × ${ratio(h.completions.perSecond, rec)} of recovering steps/s | × ${ratio(h.completions.perSecond, raw)} of raw SQLite tx/s |`,
  ];
}

export function markdownOf(r, verdicts) {
  const m = r.machine;
  const o = r.options;
  const lines = [];
  lines.push(`## The service against bare bpmn-engine (\`npm run bench\`), ${m.date.slice(0, 10)}, commit ${m.commit}`);
  lines.push('');
  lines.push(
    `Machine: ${m.cores} cores (${m.cpu}), ${m.ramGiB} GiB RAM, ${m.os}; Node ${m.node}, SQLite ${m.sqlite} (better-sqlite3 ${m.betterSqlite3}), PostgreSQL ${m.postgres ?? '–'}, bpmn-engine ${m.bpmnEngine}, autocannon ${m.autocannon}. ` +
      `Run at ${m.date}; the load generator shares the machine's cores with the server. Parts run: ${o.only.join(', ')}. ` +
      `SOP: \`${o.key}\` (HTTP completions complete its first step, \`register-request\`, with its kelengkapan *Lembar Konsultasi* and outputs *Data Pemohon*, *Lembar Konsultasi*).`,
  );
  if (r.earlier) {
    lines.push('');
    lines.push(`Parts ${r.earlier.parts.join(', ')} are from an earlier run of the same day (${r.earlier.date}, commit ${r.earlier.commit}), merged with \`--from-json\`.`);
  }
  lines.push('');
  lines.push('| target | measured | |');
  lines.push('|---|---|---|');
  for (const v of verdicts) lines.push(`| ${v.target} | ${v.value} | **${v.pass ? 'PASS' : 'FAIL'}** |`);
  lines.push('');
  if (r.engine || r.sqliteRaw) {
    lines.push('Baselines, same run (bare bpmn-engine in memory on the same diagram, one core, no HTTP and no database):');
    lines.push('');
    lines.push('| baseline | figure |');
    lines.push('|---|---|');
    if (r.engine) {
      const e = r.engine;
      const ways = { documented: 'engine.getState() as it is (with the serialized source, which recover parses)', sourceless: 'engine built with the sourceContext, state without the source (as the service stores it)' };
      lines.push(`| live engine (execute, then signal every user task; ${e.stepsPerInstance} per instance) | ${f0(e.live.stepsPerSecond)} steps/s |`);
      for (const [way, w] of Object.entries(e.recoveringWays)) {
        lines.push(
          `| recover → resume → signal → getState per step, ${ways[way]}${way === e.recovering.way ? ' **(the target\'s baseline)**' : ''} | ${f0(w.stepsPerSecond)} steps/s: ${f2(w.perStepMs.recover)} ms recover + ${f2(w.perStepMs.resume)} ms resume + ${f2(w.perStepMs.signal)} ms signal + ${f2(w.perStepMs.getState)} ms getState; the state ${f0(w.state.bytes)} B of JSON, JSON.stringify ${f2(w.state.stringifyMs)} ms, JSON.parse ${f2(w.state.parseMs)} ms, structuredClone ${f2(w.state.structuredCloneMs)} ms |`,
        );
      }
      for (const [way, w] of Object.entries(e.executeWays)) {
        lines.push(`| execute to the first wait + state, ${ways[way]}${way === e.execute.way ? ' **(the target\'s baseline)**' : ''} | ${f0(w.startsPerSecond)} starts/s: ${f2(w.executeMs)} ms execute + ${f2(w.getStateMs)} ms getState |`);
      }
    }
    if (r.sqliteRaw) lines.push(`| raw SQLite: one completion's statements in one transaction (better-sqlite3, ${f0(r.sqliteRaw.stateBytes)} B engine state) | ${f0(r.sqliteRaw.perSecond)} tx/s |`);
    lines.push('');
  }
  if (r.bracket) {
    const b = r.bracket;
    lines.push(`Bare bpmn-engine (state without the source) measured again right before and right after the one-process SQLite run, 3 s each; the first two targets compare with the mean: recover → resume → signal → getState ${f0(b.before.recovering)} and ${f0(b.after.recovering)} steps/s (mean ${f0(b.recovering)}), execute + state ${f0(b.before.execute)} and ${f0(b.after.execute)}/s (mean ${f0(b.execute)}).`);
    lines.push('');
  }
  if (r.engineHeap?.length) {
    lines.push('Heap of one live engine as the runtime keeps it (`node --expose-gc scripts/bench/lib/engine-heap.mjs`: 200 engines per SOP, heap used after forced collections, divided by the engines), against the estimate `ENGINE_CACHE_MIB` is counted in:');
    lines.push('');
    lines.push('| SOP | elements | after the start | after a signal | recovered and signalled | estimate | estimate ÷ after a signal | stored state |');
    lines.push('|---|---|---|---|---|---|---|---|');
    const kib = (b) => `${f0(b / 1024)} KiB`;
    for (const h of r.engineHeap) lines.push(`| \`${h.key}\` | ${h.elements} | ${kib(h.afterStart)} | ${kib(h.afterSignal)} | ${kib(h.recovered)} | ${kib(h.estimate)} | ${f2(h.estimate / h.afterSignal)} | ${f0(h.stateBytes)} B |`);
    lines.push('');
  }
  if (r.burst) {
    const b = r.burst;
    lines.push(`Burst (SQLite, one process, fresh, \`ENGINE_CACHE_MIB\` at its default): ${f0(b.starts.ok)} starts over ${o.connections} connections at ${f0(b.starts.perSecond)}/s (${b.starts.non2xx} non-2xx); RSS ${mib(b.rssBefore)} before, ${mib(b.rss)} right after (peak ${mib(b.peak)}), ${mib(b.later.rss)} 10 s later; heap used ${mib(b.heapUsed)} of ${mib(b.heapTotal)} right after, ${mib(b.later.heapUsed)} 10 s later.`);
    lines.push('');
  }
  if (r.httpSqlite || r.httpPg) {
    lines.push(`Service over HTTP (autocannon, ${o.connections} connections, starts for ${o.seconds} s, then one completion per open first-step task):`);
    lines.push('');
    lines.push('| | rate | p50 | p99 | requests | vs engine | vs database |');
    lines.push('|---|---|---|---|---|---|---|');
    lines.push(
      ...httpRows('SQLite, one process', r.httpSqlite, r),
      ...httpRows(`SQLite, WORKERS=${r.httpSqliteCluster?.workers}`, r.httpSqliteCluster, r),
      ...httpRows('PostgreSQL, one process', r.httpPg, r),
      ...httpRows(`PostgreSQL, WORKERS=${r.httpPgCluster?.workers}`, r.httpPgCluster, r),
    );
    lines.push('');
    for (const h of [r.httpSqlite, r.httpSqliteCluster, r.httpPg, r.httpPgCluster]) {
      if (h) lines.push(`${h === r.httpSqlite || h === r.httpSqliteCluster ? 'SQLite' : 'PostgreSQL'}, ${config(h)}: audit chain verifies: ${h.auditVerified} (${f0(h.auditEvents)} events), RSS at the end ${mib(h.rssEnd)}; cores busy (CPU time ÷ wall time) during the starts: ${coresOf(h.starts)}; during the completions: ${coresOf(h.completions)}.`);
      if (h?.profile) lines.push(`Server profile (self time by package, ${f0(h.profile.totalMs)} ms sampled): ${h.profile.byFile.split('\n').map((l) => l.trim().replace(/\s+/g, ' ')).join('; ')}.`);
    }
    const ceiling = r.httpSqlite && workersCeiling(m.cores, r.httpSqlite.completions.cores);
    if (ceiling) {
      lines.push('');
      lines.push(
        `The server's cores include its threads (the collector's helpers, SQLite's checkpointer), and the load generator runs on the same ${m.cores} cores. ` +
          `If each completion cost the same CPU with two workers as with one, WORKERS=2 could reach at most ${m.cores} ÷ (${f2(r.httpSqlite.completions.cores.server)} + ${f2(r.httpSqlite.completions.cores.loadGenerator)}) = ${f2(ceiling)} × one process's completions on this machine${ceiling < 1.4 ? ': the 1.4 × target is above that, and needs more cores or a lighter load generator' : ''}.`,
      );
    }
    lines.push('');
  }
  if (r.tasks?.length) {
    const ps = r.tasks[0].pageSize;
    lines.push(`\`GET /tasks?limit=${ps}\` (open and claimed; a page of ${ps} is full at every size) and the default page of 50, for a user holding only \`${o.role}\`, one connection, SQLite; rows generated in bulk over every deployed SOP (each instance walks one SOP's steps in sheet order; most are history):`);
    lines.push('');
    lines.push(`| task rows | the role's rows | open for the role | p50 (limit ${ps}) | p99 (limit ${ps}) | default page: items, p50, p99 | query plans (distinct) |`);
    lines.push('|---|---|---|---|---|---|---|');
    for (const t of r.tasks) {
      const d = t.defaultPage ? `${t.defaultPage.items}, ${t.defaultPage.p50} ms, ${t.defaultPage.p99} ms` : '–';
      lines.push(`| ${f0(t.rows)} | ${f0(t.roleRows)} | ${f0(t.visible)} | ${t.p50} ms | ${t.p99} ms | ${d} | ${t.plans.map((p) => `\`${p}\``).join('<br>')} |`);
    }
    lines.push('');
  }
  if (r.report) {
    lines.push(`\`GET /audit/report\` (admin: every SOP, by step) over ${f0(r.report.completed)} completed steps (${r.report.groups} groups): ${r.report.runs.join(', ')} ms.`);
    lines.push(`Plans: ${r.report.plans.map((p) => `\`${p}\``).join('; ')}`);
    lines.push('');
  }
  if (r.soak) {
    const s = r.soak;
    lines.push(
      `Soak: ${s.minutes} min, ${s.casesPerSecond} whole cases/s begun (start, then list and complete each task), ${f0(s.finished)} cases and ${f0(s.steps)} completions, ${s.failures} failures${s.firstError ? ` (first: ${s.firstError})` : ''}; warm-up ${s.warmupSeconds} s${s.caughtUp === undefined ? '' : ` (at least 2 min, then until at most ${s.caughtUp} cases were under way, at the latest half the run; ${s.inflightAfterWarmup} then)`}.`,
    );
    lines.push('');
    const collected = s.samples.some((x) => x.collected === true);
    lines.push(collected ? '| s | RSS | heap used | after a full collection: RSS | heap used |' : '| s | RSS | heap used |');
    lines.push(collected ? '|---|---|---|---|---|' : '|---|---|---|');
    const every = Math.max(1, Math.ceil(s.samples.length / 20));
    s.samples.forEach((x, i) => {
      if (i % every !== 0 && i !== s.samples.length - 1) return;
      lines.push(collected ? `| ${x.s} | ${mib(x.rssAsIs)} | ${mib(x.heapAsIs)} | ${mib(x.rss)} | ${mib(x.heapUsed)} |` : `| ${x.s} | ${mib(x.rss)} | ${mib(x.heapUsed)} |`);
    });
    lines.push('');
  }
  return lines.join('\n');
}

/** `doc` with `markdown` between `start` and `end` (replacing what was there, else before the first `## ` heading, else after `after`). */
function withBlock(doc, markdown, start, end, after) {
  const block = `${start}\n${markdown}\n${end}`;
  const a = doc.indexOf(start.slice(0, 20));
  const b = doc.indexOf(end);
  if (a >= 0 && b > a) return doc.slice(0, a) + block + doc.slice(b + end.length);
  const behind = after ? doc.indexOf(after) : -1;
  if (behind >= 0) return `${doc.slice(0, behind + after.length)}\n\n${block}${doc.slice(behind + after.length)}`;
  const at = doc.indexOf('\n## ');
  return at < 0 ? `${doc.trimEnd()}\n\n${block}\n` : `${doc.slice(0, at + 1)}${block}\n\n${doc.slice(at + 1)}`;
}

/**
 * Writes the run's sections into `file`: the main section when the run has any part but timers, the timers section
 * (right after the main one when it is new) when it has that part; a section the run has no part of is kept.
 */
export function writeSection(r, { file, write }) {
  const timerVerdicts = timerVerdictsOf(r);
  const main = (r.options?.only ?? []).some((p) => p !== 'timers');
  const verdicts = main ? verdictsOf(r) : [];
  const parts = [];
  if (main) parts.push(markdownOf(r, verdicts));
  if (r.timers) parts.push(timersMarkdownOf(r, timerVerdicts));
  if (write) {
    let doc = fs.readFileSync(file, 'utf8');
    if (main) doc = withBlock(doc, parts[0], START, END);
    if (r.timers) doc = withBlock(doc, parts[parts.length - 1], TIMERS_START, TIMERS_END, END);
    fs.writeFileSync(file, doc);
  }
  return { markdown: parts.join('\n\n'), verdicts: [...verdicts, ...timerVerdicts] };
}
