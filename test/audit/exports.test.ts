// Given instances run through the API (done, cancelled, still open), the audit exports give every step as CSV and as schema-valid XES.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { validateXML } from 'xmllint-wasm';
import { FIXTURES, XES_DIR, startApp, tempDir, ADMIN_TOKEN, testDatabases, type TestApp } from '../helpers/app.js';
import exportRoutes from '../../src/routes/export-routes.js';
import { CSV_COLUMNS, csvExport, csvField, readExportRows } from '../../src/audit/csv-export.js';
import { xesExport, xmlAttr } from '../../src/audit/xes-export.js';

const XSD = fs.readFileSync(path.join(XES_DIR, 'xes.xsd'), 'utf8');
const ACTIVITY = 'Menerima "berkas", cepat & <rapi>';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The two-step fixture with a first activity whose name needs CSV quoting and XML escaping. */
function fixtureDir(t: Parameters<typeof tempDir>[0]): string {
  const dir = tempDir(t);
  const xml = fs.readFileSync(path.join(FIXTURES, 'two-step.bpmn'), 'utf8').replace('name="Menerima berkas"', `name="${xmlAttr(ACTIVITY)}"`);
  fs.writeFileSync(path.join(dir, 'two-step.bpmn'), xml);
  return dir;
}

/** An RFC 4180 reader: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length) throw new Error('the CSV does not end with CRLF');
  return rows;
}

type Record_ = Record<(typeof CSV_COLUMNS)[number], string>;
function records(text: string): { header: string[]; rows: Record_[] } {
  const [header = [], ...rest] = parseCsv(text);
  return { header, rows: rest.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])) as Record_) };
}

async function validXes(xml: string) {
  return validateXML({ xml: { fileName: 'export.xes', contents: xml }, schema: { fileName: 'xes.xsd', contents: XSD } });
}

async function collect(chunks: AsyncIterable<string>): Promise<{ text: string; count: number }> {
  let text = '';
  let count = 0;
  for await (const c of chunks) {
    text += c;
    count++;
  }
  return { text, count };
}

/** Registers the export routes unless the app already does, plus a copy under /paged that reads one row per query. */
async function withExportRoutes(app: TestApp): Promise<void> {
  if (!app.app.hasRoute({ method: 'GET', url: '/audit/export' })) await app.app.register(exportRoutes);
  await app.app.register(exportRoutes, { prefix: '/paged', pageSize: 1 });
}

interface TaskJson {
  id: string;
  elementId: string;
}

for (const database of await testDatabases()) {
  t.test(`[${database}] the audit exports`, async (t) => {
    const app = await startApp(t, { database, processesDir: fixtureDir(t) });
    await withExportRoutes(app);
    const { call, user, clock } = app;
    const staf = await user(['uji/staf', 'uji/kepala'], 'Staf');
    const owner = await user(['owner']);
    const auditor = await user(['auditor']);
    const unitAuditor = await user(['auditor:uji']);
    const otherAuditor = await user(['auditor:lain']);
    const openTask = async (id: string) => ((await call('GET', `/tasks?instanceId=${id}`, staf.token)).json().items as TaskJson[])[0] as TaskJson;
    const complete = async (taskId: string, body: object) => {
      const res = await call('POST', `/tasks/${taskId}/complete`, staf.token, body);
      t.equal(res.statusCode, 200, 'completed');
    };
    const start = async (businessKey: string) => {
      const res = await call('POST', '/definitions/uji-dua-langkah/instances', staf.token, { businessKey });
      t.equal(res.statusCode, 201, 'started');
      return res.json().id as string;
    };

    // Given A run to its end (the decision over its one-day standard), B cancelled at its second step, C still open.
    const a = await start('=1+2');
    clock.advance(10 * MINUTE);
    await complete((await openTask(a)).id, { documents: [{ name: '+cmd|calc' }, { name: 'Surat Permohonan' }], output: [{ name: 'Agenda', value: 'rahasia' }] });
    clock.advance(3 * DAY);
    await complete((await openTask(a)).id, { output: [{ name: 'Keputusan' }], variables: { setuju: 'ya' } });
    clock.advance(60 * MINUTE);
    await complete((await openTask(a)).id, { output: [{ name: 'Surat' }] });
    clock.advance(DAY);
    const split = clock.fn().toISOString();
    clock.advance(MINUTE);
    const b = await start('@SUM(1)');
    clock.advance(5 * MINUTE);
    await complete((await openTask(b)).id, { documents: [{ name: 'Surat Permohonan' }], output: [{ name: 'Agenda' }] });
    clock.advance(5 * MINUTE);
    t.equal((await call('POST', `/instances/${b}/cancel`, owner.token, { reason: 'ditarik' })).statusCode, 200);
    const c = await start('uji-c');
    t.equal((await call('POST', `/tasks/${(await openTask(c)).id}/claim`, staf.token)).statusCode, 200);

    t.test('CSV: a header and one row per step execution, quoted and defused', async (t) => {
      const res = await call('GET', '/audit/export?format=csv', auditor.token);
      t.equal(res.statusCode, 200);
      t.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
      t.match(res.headers['content-disposition'], /^attachment; filename="sop-audit-all-\d{8}T\d{6}Z\.csv"$/);
      const { header, rows } = records(res.body);
      t.same(header, [...CSV_COLUMNS]);
      t.equal(rows.length, 6, 'A: 3 steps, B: 2, C: 1');
      const rowA = rows.find((r) => r.instanceId === a && r.elementId === 'terima') as Record_;
      t.equal(rowA.activity, ACTIVITY, 'a name with a comma and quotes survives the round trip');
      t.ok(res.body.includes('"Menerima ""berkas"", cepat & <rapi>"'), 'quoted with doubled quotes');
      t.equal(rowA.businessKey, "'=1+2", 'a formula gets a leading apostrophe');
      t.equal(rowA.documents, "'+cmd|calc; Surat Permohonan");
      t.notOk(res.body.includes('rahasia'), 'output values are never exported');
      t.match(rowA, { status: 'completed', role: 'uji/staf', step: '1', version: '1', definitionKey: 'uji-dua-langkah', completedBy: staf.id, standardMs: String(15 * MINUTE), breached: 'false' });
      t.equal(rowA.clockStart, rowA.createdAt);
      t.ok(Number(rowA.workingMs) > 0 && Number(rowA.wallMs) === 10 * MINUTE);
      const decision = rows.find((r) => r.instanceId === a && r.elementId === 'putuskan') as Record_;
      t.equal(decision.breached, 'true', 'three days over a one-day standard');
      t.equal(rows.find((r) => r.instanceId === b && r.elementId === 'terima')?.businessKey, "'@SUM(1)");
      t.match(rows.find((r) => r.instanceId === b && r.elementId === 'putuskan'), { status: 'cancelled', workingMs: '', breached: '' });
      t.match(rows.find((r) => r.instanceId === c), { status: 'claimed', assignee: staf.id, completedAt: '', documents: '' });
      const instanceOrder = rows.map((r) => r.instanceId);
      t.same(instanceOrder, [...instanceOrder].sort(), 'ordered by instance');

      const paged = await call('GET', '/paged/audit/export?format=csv', auditor.token);
      t.equal(paged.body, res.body, 'one row per query gives the same file');
    });

    t.test('filters: definition key, version, from and to', async (t) => {
      const count = async (query: string) => records((await call('GET', `/audit/export?format=csv&${query}`, auditor.token)).body).rows.length;
      t.equal(await count('definitionKey=uji-dua-langkah&version=1'), 6);
      t.equal((await call('GET', '/audit/export?format=csv&definitionKey=tidak-ada', auditor.token)).statusCode, 404, 'an unknown SOP is named as such');
      t.equal(await count('version=2'), 0);
      t.equal(await count(`to=${split}`), 3, 'A ended before the split');
      t.equal(await count(`from=${split}`), 3, 'B and C after it');
      t.equal(await count(`from=${encodeURIComponent('2026-03-02T09:00:00+08:00')}&to=2026-03-03`), 1, 'an offset and a date: only A’s first step');
      const named = await call('GET', '/audit/export?format=xes&definitionKey=uji-dua-langkah', auditor.token);
      t.match(named.headers['content-disposition'], /filename="sop-audit-uji-dua-langkah-\d{8}T\d{6}Z\.xes"/);
    });

    t.test('XES: validates against the IEEE 1849 schema, a trace per instance', async (t) => {
      const res = await call('GET', '/audit/export?format=xes', auditor.token);
      t.equal(res.statusCode, 200);
      t.equal(res.headers['content-type'], 'application/xml; charset=utf-8');
      const result = await validXes(res.body);
      t.ok(result.valid, result.rawOutput);
      t.equal(res.body.match(/<trace>/g)?.length, 3);
      const transitions = (value: string) => res.body.split('<event>').slice(1).filter((e) => e.includes(`key="lifecycle:transition" value="${value}"`)).length;
      t.equal(transitions('start'), 6, 'a start per step');
      t.equal(transitions('complete'), 4, 'a complete per completed step');
      t.equal(transitions('ate_abort'), 1, 'the cancelled step aborts');
      t.ok(res.body.includes(`<string key="concept:name" value="Menerima &quot;berkas&quot;, cepat &amp; &lt;rapi&gt;"/>`), 'names are escaped');
      t.ok(res.body.includes(`<string key="concept:name" value="${a}"/>`), 'the trace is named by the instance id');
      t.ok(res.body.includes('<string key="sop:businessKey" value="=1+2"/>'));
      t.ok(res.body.includes('<boolean key="sop:breached" value="true"/>'));
      t.ok(res.body.includes(`<string key="org:resource" value="${staf.id}"/>`));
      t.ok(res.body.includes('<int key="sop:standardMs" value="900000"/>'));
      t.notOk(res.body.includes('rahasia'));
      const traceA = res.body.slice(res.body.indexOf(`value="${a}"`), res.body.indexOf('</trace>', res.body.indexOf(`value="${a}"`)));
      const times = [...traceA.matchAll(/key="time:timestamp" value="([^"]+)"/g)].map((m) => m[1] as string);
      t.equal(times.length, 6);
      t.same(times, [...times].sort(), 'events in time order');

      const paged = await call('GET', '/paged/audit/export?format=xes', auditor.token);
      t.equal(paged.body.replace(/sop:exportedAt" value="[^"]+"/, ''), res.body.replace(/sop:exportedAt" value="[^"]+"/, ''), 'paging does not change the log');
    });

    t.test('paging is an option of the export functions', async (t) => {
      const knex = app.app.services.db.knex;
      const pages: number[] = [];
      for await (const page of readExportRows(knex, {}, { pageSize: 4 })) pages.push(page.length);
      t.same(pages, [4, 2]);
      const whole = await collect(csvExport(knex, {}));
      for (const pageSize of [1, 2, 5, 6]) {
        const paged = await collect(csvExport(knex, {}, { pageSize }));
        t.equal(paged.text, whole.text, `page size ${pageSize}`);
        t.equal(paged.count, 1 + Math.ceil(6 / pageSize), 'a header chunk, then a chunk per page');
        const xes = await collect(xesExport(knex, {}, { pageSize, exportedAt: '2026-03-01T00:00:00.000Z' }));
        t.equal(xes.text, (await collect(xesExport(knex, {}, { exportedAt: '2026-03-01T00:00:00.000Z' }))).text);
      }
      const filtered = await collect(xesExport(knex, { definitionKey: 'uji-dua-langkah', version: 1, from: '2026-03-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' }));
      t.ok((await validXes(filtered.text)).valid, 'the filter attributes are schema-valid too');
      t.match(filtered.text, /<date key="sop:from" value="2026-03-01T00:00:00.000Z"\/>/);
    });

    t.test('unit scope: an auditor of another unit exports nothing, of this unit everything', async (t) => {
      t.equal(records((await call('GET', '/audit/export?format=csv', unitAuditor.token)).body).rows.length, 6);
      const other = await call('GET', '/audit/export?format=csv', otherAuditor.token);
      t.equal(other.statusCode, 200);
      t.same(records(other.body), { header: [...CSV_COLUMNS], rows: [] });
      const asked = await call('GET', '/audit/export?format=csv&definitionKey=uji-dua-langkah', otherAuditor.token);
      t.equal(asked.statusCode, 404, "another unit's SOP does not exist for this auditor");
      const xes = await call('GET', '/audit/export?format=xes', otherAuditor.token);
      t.notOk(xes.body.includes('<trace>'));
      t.ok((await validXes(xes.body)).valid, 'an empty log is valid too');
    });

    t.test('errors: 401, 403 for a non-auditor, 400 naming query.format', async (t) => {
      t.equal((await call('GET', '/audit/export?format=csv')).statusCode, 401);
      for (const token of [staf.token, owner.token]) {
        const res = await call('GET', '/audit/export?format=csv', token);
        t.equal(res.statusCode, 403);
        t.equal(res.json().code, 'SOP_ERR_FORBIDDEN');
      }
      t.equal((await call('GET', '/audit/export?format=csv', ADMIN_TOKEN)).statusCode, 200, 'admin may export');
      for (const query of ['', '?format=pdf', '?format=']) {
        const res = await call('GET', `/audit/export${query}`, auditor.token);
        t.equal(res.statusCode, 400, query);
        t.match(res.json(), { code: 'SOP_ERR_VALIDATION', details: { fields: [{ name: 'query.format' }] } });
      }
      const badTime = await call('GET', '/audit/export?format=csv&from=01/03/2026', auditor.token);
      t.match(badTime.json(), { statusCode: 400, details: { fields: [{ name: 'query.from' }] } });
      const docs = await call('GET', '/docs/json');
      t.ok(docs.json().paths['/audit/export'].get.parameters.some((p: { name: string }) => p.name === 'format'), 'in the OpenAPI document');
      const badVersion = await call('GET', '/audit/export?format=csv&version=0', auditor.token);
      t.match(badVersion.json(), { statusCode: 400, details: { fields: [{ name: 'query.version' }] } });
    });
  });
}

t.test('the validator rejects the invalid shared samples and accepts the valid one', async (t) => {
  for (const name of fs.readdirSync(path.join(XES_DIR, 'samples'))) {
    const result = await validXes(fs.readFileSync(path.join(XES_DIR, 'samples', name), 'utf8'));
    t.equal(result.valid, name.startsWith('valid'), name);
  }
});

t.test('CSV fields: RFC 4180 quoting and formula defusing', async (t) => {
  t.equal(csvField(null), '');
  t.equal(csvField(42), '42');
  t.equal(csvField(false), 'false');
  t.equal(csvField('plain'), 'plain');
  t.equal(csvField('a,b'), '"a,b"');
  t.equal(csvField('say "hi"'), '"say ""hi"""');
  t.equal(csvField('two\nlines'), '"two\nlines"');
  t.equal(csvField('=1+1'), "'=1+1");
  t.equal(csvField('-2'), "'-2");
  t.equal(csvField('@x,y'), `"'@x,y"`);
  t.equal(csvField('\tx'), "'\tx");
  t.same(parseCsv('a,"b,""c"""\r\n'), [['a', 'b,"c"']]);
});

t.test('XML attribute escaping', async (t) => {
  t.equal(xmlAttr(`<a href="x">&'`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  t.equal(xmlAttr('line\nbreak\ttab'), 'line&#10;break&#9;tab');
  t.equal(xmlAttr('bell\u0007 and \ud800 lone'), 'bell\ufffd and \ufffd lone');
  t.equal(xmlAttr('emoji 😀 stays'), 'emoji 😀 stays');
});
