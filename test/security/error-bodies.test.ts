// Every error answer has the contract's shape {statusCode, code, error, message, details?}, the framework's own
// included (router, body parser, Node's HTTP parser), and stays small whatever the request held.
import net from 'node:net';
import t from 'tap';
import { capDetails, clientErrorHandler, MAX_DETAIL_ENTRIES, MAX_ERROR_TEXT } from '../../src/http/error-handler.js';
import { ADMIN_TOKEN, startApp, tempDir } from '../helpers/app.js';

const SHAPE = { statusCode: Number, code: /^SOP_ERR_[A-Z_]+$/, error: String, message: String };
const onlyContractKeys = (body: Record<string, unknown>) => Object.keys(body).every((k) => ['statusCode', 'code', 'error', 'message', 'details'].includes(k));

/** Sends raw bytes to the listening app and gives back what came before the connection closed. */
function raw(port: number, data: string): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write(data));
    socket.on('data', (d) => (out += d.toString()));
    socket.on('close', () => resolve(out));
    socket.on('error', () => resolve(out));
  });
}

t.test('router and parser errors answer in the contract shape', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const cases: Array<[string, string, number, string, Record<string, unknown>?]> = [
    ['a key over maxParamLength', `/definitions/${'a'.repeat(150)}`, 414, 'SOP_ERR_TOO_LARGE', { limit: 'maxParamLength', max: 100 }],
    ['a bad percent-encoding', '/definitions/%E0%A4%A', 400, 'SOP_ERR_VALIDATION', { fields: [{ name: 'url' }] }],
    ['a bad percent-encoding without a token', '/tasks/%E0%A4%A', 400, 'SOP_ERR_VALIDATION'],
  ];
  for (const [what, url, status, code, details] of cases) {
    const res = await app.call('GET', url, url.startsWith('/tasks') ? undefined : ADMIN_TOKEN);
    t.equal(res.statusCode, status, what);
    const body = res.json();
    t.match(body, { ...SHAPE, statusCode: status, code, ...(details ? { details } : {}) }, what);
    t.ok(onlyContractKeys(body), `${what}: no other keys`);
  }

  await app.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.app.server.address() as net.AddressInfo).port;
  const answers: Array<[string, string, number, string]> = [
    ['a malformed header line', 'GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 400, 'SOP_ERR_VALIDATION'],
    ['a URL over the header limit', `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431, 'SOP_ERR_TOO_LARGE'],
    ['not HTTP at all', 'HELLO\r\n\r\n', 400, 'SOP_ERR_VALIDATION'],
  ];
  for (const [what, bytes, status, code] of answers) {
    const text = await raw(port, bytes);
    t.match(text, new RegExp(`^HTTP/1.1 ${status} `), what);
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
    t.match(body, { ...SHAPE, statusCode: status, code }, what);
    t.ok(onlyContractKeys(body), `${what}: no other keys`);
  }
});

t.test("each of Node's parser errors gets its status; a reset connection gets nothing", async (t) => {
  const answer = (code: string, destroyed = false) => {
    let written = '';
    const socket = { destroyed, writable: !destroyed, write: (s: string) => (written += s), destroy: () => undefined };
    clientErrorHandler(Object.assign(new Error(code), { code }), socket as unknown as net.Socket);
    return written;
  };
  t.match(answer('ERR_HTTP_REQUEST_TIMEOUT'), /^HTTP\/1.1 408 [\s\S]*"code":"SOP_ERR_TIMEOUT"/);
  t.match(answer('HPE_HEADER_OVERFLOW'), /^HTTP\/1.1 431 [\s\S]*"limit":"maxHeaderSize"/);
  t.match(answer('HPE_INVALID_METHOD'), /^HTTP\/1.1 400 [\s\S]*"name":"request","message":"HPE_INVALID_METHOD"/);
  t.equal(answer('ECONNRESET'), '');
  t.equal(answer('HPE_INVALID_METHOD', true), '');
});

t.test('a body over its route\'s limit answers 413 naming the limit', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const json = await app.call('POST', '/users', ADMIN_TOKEN, JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), roles: [] }), { 'content-type': 'application/json' });
  t.match(json.json(), { ...SHAPE, statusCode: 413, code: 'SOP_ERR_TOO_LARGE', details: { limit: 'bodyLimit', max: 1024 * 1024 } });
  const xml = await app.call('POST', '/definitions', ADMIN_TOKEN, `<a>${'x'.repeat(6 * 1024 * 1024)}</a>`, { 'content-type': 'application/xml' });
  t.match(xml.json(), { statusCode: 413, details: { limit: 'bodyLimit', max: 5 * 1024 * 1024 } });
});

t.test('a request that arrives while the service closes answers 503 in the contract shape', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const closing = app.app.close();
  const res = await app.call('GET', '/health');
  await closing;
  t.equal(res.statusCode, 503);
  t.match(res.json(), { ...SHAPE, statusCode: 503, code: 'SOP_ERR_UNAVAILABLE', message: /shutting down/ });
  t.equal(res.headers.connection, 'close');
});

t.test('an error answer is capped, whatever the request held', async (t) => {
  const capped = capDetails({ fields: Array.from({ length: 5000 }, (_, i) => ({ name: `f${i}`, message: 'x'.repeat(5000) })) }) as { fields: Array<{ message: string }>; omitted: { fields: number } };
  t.equal(capped.fields.length, MAX_DETAIL_ENTRIES);
  t.equal(capped.omitted.fields, 5000 - MAX_DETAIL_ENTRIES);
  t.ok((capped.fields[0]?.message.length ?? 0) < MAX_ERROR_TEXT + 50);

  const app = await startApp(t, { processesDir: tempDir(t) });
  // 650 KB of variable names each refused by the schema: the answer used to name every one of them, in the message too.
  const variables = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`-${i}`, 1]));
  const body = JSON.stringify({ variables });
  const res = await app.call('POST', '/definitions/x/instances', ADMIN_TOKEN, body, { 'content-type': 'application/json' });
  t.equal(res.statusCode, 400);
  t.ok(res.body.length < 150_000, `the answer has ${res.body.length} bytes for a ${body.length}-byte request`);
  const deploy = await app.call('POST', '/definitions', ADMIN_TOKEN, `<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x"><bpmn:process id="p" isExecutable="true">${Array.from({ length: 20_000 }, (_, i) => `<bpmn:sequenceFlow id="f${i}" sourceRef="nowhere${i}" targetRef="x"/>`).join('')}</bpmn:process></bpmn:definitions>`, { 'content-type': 'application/xml' });
  t.equal(deploy.statusCode, 400);
  t.equal(deploy.json().details.problems.length, MAX_DETAIL_ENTRIES);
  t.ok(deploy.json().details.omitted.problems > 0, 'says how many problems were left out');
  t.ok(deploy.body.length < 150_000, `the refused deploy answers ${deploy.body.length} bytes`);
});
