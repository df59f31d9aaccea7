// Sequential single-client latency of start, task list and complete against a running service: one user with the
// SOP's roles drives N instances one request at a time and prints the median of each.
// Usage: node scripts/bench/latency-probe.mjs <base-url> <admin-token> [instances=15] [key=bkd-kalteng-konsultasi-ekinerja]
const [base, admin, n = '15', key = 'bkd-kalteng-konsultasi-ekinerja'] = process.argv.slice(2);
if (!base || !admin) {
  console.error('usage: node scripts/bench/latency-probe.mjs <base-url> <admin-token> [instances] [key]');
  process.exit(2);
}
const headers = (token) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
async function call(method, path, token, body) {
  const t0 = performance.now();
  const res = await fetch(base + path, { method, headers: headers(token), body: body ? JSON.stringify(body) : undefined });
  const json = await res.json();
  if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return [json, performance.now() - t0];
}
const [def] = await call('GET', `/definitions/${key}`, admin);
const [user] = await call('POST', '/users', admin, { name: 'latency probe', roles: def.roles.map((r) => r.id) });
const times = { start: [], list: [], complete: [] };
for (let i = 0; i < Number(n); i++) {
  const [instance, started] = await call('POST', `/definitions/${key}/instances`, user.token, {});
  times.start.push(started);
  for (;;) {
    const [list, listed] = await call('GET', `/tasks?instanceId=${instance.id}`, user.token);
    times.list.push(listed);
    const task = list.items[0];
    if (!task) break;
    const variables = Object.fromEntries(task.form.map((f) => [f.name, f.type === 'enum' ? f.options[0].value : f.type === 'boolean' ? true : 'uji']));
    const [, completed] = await call('POST', `/tasks/${task.id}/complete`, user.token, { documents: task.requires.map((name) => ({ name })), output: task.output.map((name) => ({ name })), variables });
    times.complete.push(completed);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)].toFixed(1);
console.log(`latency (median ms over ${n} instances of ${key}): start ${median(times.start)}, list ${median(times.list)}, complete ${median(times.complete)}`);
