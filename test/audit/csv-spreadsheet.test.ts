// CSV for spreadsheets: every leading character a spreadsheet could drop or run is defused, and Excel in an
// Indonesian locale gets `;` as the separator and a UTF-8 byte order mark when asked.
import t from 'tap';
import { csvField } from '../../src/audit/csv-export.js';
import { ADMIN_TOKEN, startApp } from '../helpers/app.js';

t.test('a leading control character is defused like a formula character', async (t) => {
  for (const value of ['\u0000=1+1', '\u0001cmd', '\u001b[31m', '\u007f=x', '\r=1', '\u000b@SUM(1)', '  =1+1', ' -2']) {
    t.equal(csvField(value).replace(/^"/, '').startsWith("'"), true, JSON.stringify(value));
  }
  t.equal(csvField('\u0000=1+1'), "'\u0000=1+1");
  t.equal(csvField('KONS 001'), 'KONS 001', 'an inner space is plain text');
  t.equal(csvField('a;b'), 'a;b', 'a semicolon needs no quotes with the comma delimiter');
  t.equal(csvField('a;b', ';'), '"a;b"');
  t.equal(csvField('a,b', ';'), 'a,b');
});

t.test('?delimiter=; and ?bom=true shape the file for Excel; they apply to CSV only', async (t) => {
  const app = await startApp(t);
  const started = await app.call('POST', '/definitions/bkd-kalteng-konsultasi-ekinerja/instances', ADMIN_TOKEN, { businessKey: 'KONS;2026,001' });
  t.equal(started.statusCode, 201);

  const plain = await app.call('GET', '/audit/export?format=csv', ADMIN_TOKEN);
  t.notOk(plain.body.startsWith('\ufeff'), 'no BOM unless asked');
  t.match(plain.body, /^taskId,instanceId,businessKey,/);

  const excel = await app.call('GET', '/audit/export?format=csv&delimiter=%3B&bom=true', ADMIN_TOKEN);
  t.equal(excel.statusCode, 200);
  t.ok(excel.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'UTF-8 BOM');
  const lines = excel.body.replace(/^\ufeff/, '').split('\r\n');
  t.match(lines[0], /^taskId;instanceId;businessKey;definitionKey;/);
  t.ok(lines[1]?.includes(`;"KONS;2026,001";bkd-kalteng-konsultasi-ekinerja;`), String(lines[1]));
  t.equal(lines[0]?.split(';').length, 21, 'a column per field');
  t.notMatch(lines[0], ',', 'no comma separates the header');

  const literal = await app.call('GET', '/audit/export?format=csv&delimiter=;', ADMIN_TOKEN);
  t.equal(literal.body, excel.body.replace(/^\ufeff/, ''), 'an unencoded ; works too');

  const xes = await app.call('GET', '/audit/export?format=xes&delimiter=;', ADMIN_TOKEN);
  t.equal(xes.statusCode, 400);
  t.match(xes.json(), { code: 'SOP_ERR_VALIDATION', details: { fields: [{ name: 'query.delimiter' }] } });
  t.equal((await app.call('GET', '/audit/export?format=csv&delimiter=tab', ADMIN_TOKEN)).statusCode, 400);
});
