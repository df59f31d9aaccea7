// Content recorded at a confidential step is sealed at rest, readable by its author only, and every read is audited.
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import t from 'tap';
import { ADMIN_TOKEN, REPO_PROCESSES, startApp, testDatabases, type TestApp } from '../helpers/app.js';
import { advanceCase } from '../helpers/drive-case.js';

const KEY = 'bkd-ntb-konseling-psikologi';
const VALUES: Record<string, Record<string, unknown>> = {
  'fill-registration': { bentukDiinginkan: 'luring' },
  'verify-and-schedule': { modus: 'luring', jadwalSesi: '2026-03-03T09:00:00+08:00' },
};

/** An applicant, an UPPK admin and a counsellor of BKD NTB (with a token of her own), and the tokens that work each lane. */
async function ntbStaff(app: TestApp) {
  const asn = await app.user(['bkd-ntb/asn'], 'Ani');
  const admin = await app.user(['bkd-ntb/admin-uppk'], 'Admin UPPK');
  const enrolled = await app.user(['bkd-ntb/konselor'], 'Konselor Dewi');
  const konselor = { id: enrolled.id, token: (await app.call('POST', '/me/token', enrolled.token)).json().token as string };
  return { asn, konselor, tokens: { 'bkd-ntb/asn': asn.token, 'bkd-ntb/admin-uppk': admin.token, 'bkd-ntb/konselor': konselor.token } };
}

function logSink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return { stream: new Writable({ write: (chunk, _enc, done) => (chunks.push(String(chunk)), done()) }), text: () => chunks.join('') };
}

for (const database of await testDatabases()) {
  t.test(`${database}: confidential notes are sealed, read back only by their author, and each read is audited`, async (t) => {
    const log = logSink();
    const app = await startApp(t, { database, app: { logStream: log.stream } });
    const marker = `RAHASIA-${Date.now().toString(36)}`;
    const { asn, konselor, tokens } = await ntbStaff(app);
    const colleague = await app.user(['bkd-ntb/konselor'], 'Konselor Eko');
    const auditor = await app.user(['auditor'], 'Auditor');
    const owner = await app.user(['owner:bkd-ntb'], 'Pemilik');
    const instanceId = (await app.call('POST', `/definitions/${KEY}/instances`, asn.token, {})).json().id as string;
    const notes = await advanceCase(app, instanceId, tokens, 'write-notes', VALUES);

    // The evidence file of the confidential step is sealed too.
    const boundary = 'x-boundary';
    const upload = await app.call(
      'POST',
      `/tasks/${notes.id}/attachments`,
      konselor.token,
      `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nDeskripsi hasil konseling\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="catatan.txt"\r\nContent-Type: text/plain\r\n\r\n${marker}-berkas\r\n--${boundary}--\r\n`,
      { 'content-type': `multipart/form-data; boundary=${boundary}` },
    );
    t.equal(upload.statusCode, 201, upload.body);
    const attachmentId = upload.json().id as string;

    const done = await app.call('POST', `/tasks/${notes.id}/complete`, konselor.token, {
      documents: [{ name: 'Deskripsi hasil konseling', attachmentId }],
      output: [{ name: 'Laporan hasil konseling', value: `${marker}-laporan` }],
      variables: { catatanRingkas: `${marker}-catatan` },
    });
    t.equal(done.statusCode, 200, done.body);
    t.equal(done.json().contentSealed, true, 'the task says content exists');
    t.notMatch(done.body, marker, 'the completion answer does not echo the content');

    // Others see that it exists, its timing and its documents' names, never its content.
    for (const [who, token] of [['colleague', colleague.token], ['auditor', auditor.token], ['owner', owner.token], ['admin', ADMIN_TOKEN]] as const) {
      const view = await app.call('GET', `/tasks/${notes.id}`, token);
      t.equal(view.statusCode, 200, `${who} reads the task`);
      t.equal(view.json().contentSealed, true);
      t.same(view.json().documents.map((d: { name: string }) => d.name), ['Deskripsi hasil konseling']);
      t.ok(view.json().completedAt);
      t.notMatch(view.body, marker, `${who} sees no content in the task`);
      const content = await app.call('GET', `/tasks/${notes.id}/content`, token);
      t.equal(content.statusCode, 403, `${who} may not read the content`);
      t.match(content.json().message, /pencatatnya/);
      t.equal((await app.call('GET', `/attachments/${attachmentId}`, token)).statusCode, 403, `${who} may not download the sealed file`);
    }
    t.equal((await app.call('GET', `/tasks/${notes.id}/content`, asn.token)).statusCode, 403, 'nor the applicant whose case it is');

    // Its author reads it back, and each read is in the trail.
    const mine = await app.call('GET', `/tasks/${notes.id}/content`, konselor.token);
    t.equal(mine.statusCode, 200, mine.body);
    t.same(mine.json(), {
      taskId: notes.id,
      recordedBy: konselor.id,
      recordedAt: done.json().completedAt,
      variables: { catatanRingkas: `${marker}-catatan` },
      output: [{ name: 'Laporan hasil konseling', value: `${marker}-laporan` }],
    });
    const file = await app.call('GET', `/attachments/${attachmentId}`, konselor.token);
    t.equal(file.statusCode, 200);
    t.equal(file.body, `${marker}-berkas`, 'the uploader gets the file back as uploaded');
    t.equal(file.headers['x-sha256'], upload.json().sha256);

    const trail = await app.call('GET', `/audit/instances/${instanceId}`, auditor.token);
    const reads = (trail.json().events as Array<{ type: string; userId: string; taskId: string }>).filter((e) => e.type === 'content.read');
    t.same(
      reads.map((e) => [e.userId, e.taskId]),
      [
        [konselor.id, notes.id],
        [konselor.id, notes.id],
      ],
      'two reads by the author, one of the notes and one of the file; refused reads left no content.read',
    );
    t.notMatch(trail.body, marker, 'the audit trail holds no content');
    t.equal((await app.call('GET', '/audit/verify', auditor.token)).json().ok, true);

    const instance = await app.call('GET', `/instances/${instanceId}`, owner.token);
    t.notMatch(instance.body, marker);
    for (const format of ['csv', 'xes']) {
      const exported = await app.call('GET', `/audit/export?format=${format}`, auditor.token);
      t.equal(exported.statusCode, 200);
      t.match(exported.body, 'write-notes', `the ${format} export has the step`);
      t.notMatch(exported.body, marker, `the ${format} export has no content`);
    }

    // The next step still runs: the step's choices were kept, only its text was sealed.
    const next = (await app.call('GET', `/tasks?instanceId=${instanceId}`, ADMIN_TOKEN)).json().items[0];
    t.equal(next.elementId, 'recommend-follow-up');
    t.notMatch(log.text(), marker, 'the logs hold no content');

    // Opened directly, the database holds no content in clear.
    if (database === 'sqlite') {
      const files = [app.dbFile, `${app.dbFile}-wal`].filter((f) => fs.existsSync(f));
      for (const f of files) t.equal(fs.readFileSync(f).indexOf(marker), -1, `${path.basename(f)} has no content in clear`);
      await app.close();
      t.equal(fs.readFileSync(app.dbFile).indexOf(marker), -1, 'nor after the checkpoint on close');
    } else {
      const client = new pg.Client(app.databaseUrl);
      await client.connect();
      try {
        const tables = (await client.query("select table_name from information_schema.tables where table_schema = 'public'")).rows.map((r: { table_name: string }) => r.table_name);
        t.ok(tables.includes('tasks') && tables.includes('attachments'));
        for (const table of tables) {
          const rows = (await client.query(`select t::text as row from "${table}" t`)).rows as Array<{ row: string }>;
          t.notOk(rows.some((r) => r.row.includes(marker) || r.row.includes(Buffer.from(marker).toString('hex'))), `${table} has no content in clear`);
        }
      } finally {
        await client.end();
      }
    }
  });
}

t.test('sealed content survives a restart with the same key and does not open with another', async (t) => {
  const first = await startApp(t);
  const { asn, konselor, tokens } = await ntbStaff(first);
  const instanceId = (await first.call('POST', `/definitions/${KEY}/instances`, asn.token, {})).json().id as string;
  const notes = await advanceCase(first, instanceId, tokens, 'write-notes', VALUES);
  const body = { documents: [{ name: 'Deskripsi hasil konseling' }], output: [{ name: 'Laporan hasil konseling' }], variables: { catatanRingkas: 'sesi pertama' } };
  t.equal((await first.call('POST', `/tasks/${notes.id}/complete`, konselor.token, body)).statusCode, 200);
  await first.close();
  t.ok(fs.statSync(path.join(first.dir, 'content-key')).mode & 0o600, 'the key file was made beside the database');
  t.equal(fs.statSync(path.join(first.dir, 'content-key')).mode & 0o077, 0, 'readable by the service user only');

  const again = await startApp(t, { dir: first.dir, databaseUrl: first.databaseUrl });
  const read = await again.call('GET', `/tasks/${notes.id}/content`, konselor.token);
  t.equal(read.statusCode, 200);
  t.same(read.json().variables, { catatanRingkas: 'sesi pertama' });
  t.same(read.json().output, [], 'no output value was given, none is sealed');
  await again.close();

  fs.writeFileSync(path.join(first.dir, 'content-key'), Buffer.alloc(32, 7).toString('base64'));
  const otherKey = await startApp(t, { dir: first.dir, databaseUrl: first.databaseUrl });
  const refused = await otherKey.call('GET', `/tasks/${notes.id}/content`, konselor.token);
  t.equal(refused.statusCode, 500, 'content sealed with another key does not open');
  const events = (await otherKey.call('GET', `/audit/instances/${instanceId}`, ADMIN_TOKEN)).json().events as Array<{ type: string }>;
  t.equal(events.filter((e) => e.type === 'content.read').length, 1, 'the failed read is not logged as a read');
});

t.test('an ordinary step keeps its values in clear and has no sealed content', async (t) => {
  const app = await startApp(t);
  const { asn, tokens } = await ntbStaff(app);
  const instanceId = (await app.call('POST', `/definitions/${KEY}/instances`, asn.token, {})).json().id as string;
  await advanceCase(app, instanceId, tokens, 'write-notes', VALUES);
  const registration = (await app.call('GET', `/instances/${instanceId}`, ADMIN_TOKEN)).json().steps.find((s: { elementId: string }) => s.elementId === 'fill-registration');
  const task = (await app.call('GET', `/tasks/${registration.taskId}`, ADMIN_TOKEN)).json();
  t.match(task.variables, { bentukDiinginkan: 'luring', permasalahan: 'isian uji' }, 'an ordinary step keeps its values');
  t.equal(task.contentSealed, false);
  t.equal((await app.call('GET', `/tasks/${registration.taskId}/content`, asn.token)).statusCode, 404, 'nothing sealed, nothing to read');
});

t.test('a diagram whose condition reads a sealed text field is refused, naming the flow', async (t) => {
  const app = await startApp(t);
  const xml = fs.readFileSync(path.join(REPO_PROCESSES, `${KEY}.bpmn`), 'utf8');
  const changed = xml.replace("${tindakLanjut == 'sesi-lanjutan'}", "${catatanRingkas == 'lanjut'}");
  t.not(changed, xml);
  const res = await app.call('POST', '/definitions', ADMIN_TOKEN, changed, { 'content-type': 'application/xml' });
  t.equal(res.statusCode, 400);
  t.match(res.json().details.problems, [{ elementId: 'follow-up-session', message: /catatanRingkas, a text field of confidential step write-notes/ }]);
  t.equal((await app.call('GET', `/definitions/${KEY}`, ADMIN_TOKEN)).json().version, 1, 'nothing was deployed');
});
