// HTTP load with autocannon: instance starts for a while, then completions of prepared open tasks, one id per request.
import autocannon from 'autocannon';

function figures(r) {
  const ok = r['2xx'];
  return {
    requests: r.requests.total,
    ok,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    seconds: r.duration,
    perSecond: ok / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    // Answers by status code, so that a failed request says what it was.
    statuses: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s.count])),
  };
}

function run(opts) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
    // A failing request is counted, not thrown; keep the first answer to say what went wrong.
    instance.on('response', () => undefined);
  });
}

/** POST /definitions/:key/instances for `seconds` (or `amount` requests) over `connections` keep-alive connections. */
export async function loadStarts({ base, token, key, connections = 16, seconds = 10, amount }) {
  const r = await run({
    url: base,
    connections,
    ...(amount === undefined ? { duration: seconds } : { amount }),
    requests: [{ method: 'POST', path: `/definitions/${key}/instances`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' }],
  });
  return figures(r);
}

/** POST /tasks/:id/complete once per id, each request taking the next id; `body(id)` is the completion. */
export async function loadCompletions({ base, token, ids, body, connections = 16 }) {
  let next = 0;
  const r = await run({
    url: base,
    connections,
    amount: ids.length,
    requests: [
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        setupRequest: (req) => {
          const id = ids[next++ % ids.length];
          return { ...req, path: `/tasks/${id}/complete`, body: JSON.stringify(body(id)) };
        },
      },
    ],
  });
  return figures(r);
}

/** A steady request rate (overallRate) of mixed starts for `seconds`: the soak's load. */
export async function loadSteady({ base, token, key, rate, seconds, connections = 4 }) {
  const r = await run({
    url: base,
    connections,
    overallRate: rate,
    duration: seconds,
    requests: [{ method: 'POST', path: `/definitions/${key}/instances`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' }],
  });
  return figures(r);
}
