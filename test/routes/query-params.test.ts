// Unknown query parameters answer 400 naming them on every documented route, and staff find a case by its business key.
import t from 'tap';
import { ADMIN_TOKEN, startApp } from '../helpers/app.js';

interface OpenApi {
  paths: Record<string, Record<string, unknown>>;
}

t.test('every documented GET route refuses an unknown query parameter, naming it', async (t) => {
  const app = await startApp(t);
  const doc = (await app.call('GET', '/docs/json')).json() as OpenApi;
  // Fastify validates a body before the query, so the routes that take one are tried with a valid-looking one below.
  const routes = Object.entries(doc.paths).flatMap(([url, methods]) => Object.keys(methods).filter((m) => m === 'get').map((method) => [method.toUpperCase(), url] as const));
  t.ok(routes.length > 20, `${routes.length} routes`);
  for (const [method, url] of routes) {
    const concrete = url.replace(/\{[^}]+\}/g, 'x');
    const res = await app.call(method, `${concrete}?bogus=1`, ADMIN_TOKEN);
    t.equal(res.statusCode, 400, `${method} ${url}`);
    if (url.startsWith('/engine-rest/')) {
      // Camunda's error shape there: the type, and the message naming the parameter.
      t.match(res.json(), { type: 'InvalidRequestException', message: /query\.bogus: unknown query parameter: this route takes/ }, `${method} ${url}`);
      continue;
    }
    const body = res.json() as { code: string; details: { fields: Array<{ name: string; message: string }> } };
    t.equal(body.code, 'SOP_ERR_VALIDATION');
    t.ok(body.details.fields.some((f) => f.name === 'query.bogus' && f.message.startsWith('unknown query parameter: this route takes')), `${method} ${url}: ${res.body}`);
  }
  const claim = await app.call('POST', '/tasks/x/claim?bogus=1', ADMIN_TOKEN);
  t.match(claim.json(), { statusCode: 400, details: { fields: [{ name: 'query.bogus' }] } }, 'a route with no body and no query');
  const listed = await app.call('GET', '/tasks?bogus=1&limit=5', ADMIN_TOKEN);
  t.match(listed.json().message, /query\.bogus: unknown query parameter: this route takes limit, cursor, role/);
});

t.test('GET /instances?businessKey= lists the cases with that business key only', async (t) => {
  const app = await startApp(t);
  const key = 'bkd-kalteng-konsultasi-ekinerja';
  for (const businessKey of ['KONS-2026-001', 'KONS-2026-002', 'KONS-2026-001']) {
    t.equal((await app.call('POST', `/definitions/${key}/instances`, ADMIN_TOKEN, { businessKey })).statusCode, 201);
  }
  const found = (await app.call('GET', '/instances?businessKey=KONS-2026-001', ADMIN_TOKEN)).json();
  t.equal(found.items.length, 2);
  t.ok(found.items.every((i: { businessKey: string }) => i.businessKey === 'KONS-2026-001'));
  t.equal((await app.call('GET', '/instances?businessKey=KONS-2026-999', ADMIN_TOKEN)).json().items.length, 0);
  t.equal((await app.call('GET', '/instances', ADMIN_TOKEN)).json().items.length, 3);
  const empty = await app.call('GET', '/instances?businessKey=', ADMIN_TOKEN);
  t.equal(empty.statusCode, 400, 'an empty business key is no filter');
  t.match(empty.json(), { details: { fields: [{ name: 'query.businessKey' }] } });
});
