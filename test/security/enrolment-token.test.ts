// An admin cannot read a counsellor's sealed notes by rotating her token: a token an admin issues is an enrolment
// token that works for everything but sealed content, until its holder rotates it with POST /me/token.
import t from 'tap';
import { ADMIN_TOKEN, startApp, testDatabases } from '../helpers/app.js';
import { advanceCase } from '../helpers/drive-case.js';

const KEY = 'bkd-ntb-konseling-psikologi';
const VALUES: Record<string, Record<string, unknown>> = {
  'fill-registration': { bentukDiinginkan: 'luring' },
  'verify-and-schedule': { modus: 'luring', jadwalSesi: '2026-03-03T09:00:00+08:00' },
};

for (const database of await testDatabases()) {
  t.test(`${database}: sealed content needs its author's own token`, async (t) => {
    const app = await startApp(t, { database });
    const adminId = (await app.call('GET', '/me', ADMIN_TOKEN)).json().id as string;
    const asn = await app.user(['bkd-ntb/asn'], 'Ani');
    const uppk = await app.user(['bkd-ntb/admin-uppk'], 'Admin UPPK');
    const enrolment = await app.user(['bkd-ntb/konselor'], 'Konselor Dewi');

    const issued = (await app.call('GET', '/me', enrolment.token)).json();
    t.match(issued, { tokenRotatedBy: adminId, tokenRotatedAt: '2026-03-02T01:00:00.000Z', tokenKind: 'enrolment' }, 'GET /me shows who issued the token');
    const own = await app.call('POST', '/me/token', enrolment.token);
    t.equal(own.statusCode, 200, own.body);
    t.equal(own.headers['cache-control'], 'no-store');
    t.equal((await app.call('GET', '/me', enrolment.token)).statusCode, 401, 'the enrolment token stops at once');
    const dewi = own.json().token as string;
    t.match((await app.call('GET', '/me', dewi)).json(), { tokenRotatedBy: enrolment.id, tokenKind: 'own' });

    const tokens = { 'bkd-ntb/asn': asn.token, 'bkd-ntb/admin-uppk': uppk.token, 'bkd-ntb/konselor': dewi };
    const instanceId = (await app.call('POST', `/definitions/${KEY}/instances`, asn.token, {})).json().id as string;
    const notes = await advanceCase(app, instanceId, tokens, 'write-notes', VALUES);
    const done = await app.call('POST', `/tasks/${notes.id}/complete`, dewi, {
      documents: [{ name: 'Deskripsi hasil konseling' }],
      output: [{ name: 'Laporan hasil konseling', value: 'laporan rahasia' }],
      variables: { catatanRingkas: 'catatan rahasia' },
    });
    t.equal(done.statusCode, 200, done.body);
    t.equal((await app.call('GET', `/tasks/${notes.id}/content`, dewi)).statusCode, 200, 'the author reads her notes');

    // The attack: the admin rotates the author's token and reads with the token they were given.
    const taken = await app.call('POST', `/users/${enrolment.id}/token`, ADMIN_TOKEN);
    const adminHeld = taken.json().token as string;
    const refused = await app.call('GET', `/tasks/${notes.id}/content`, adminHeld);
    t.match(refused.json(), { statusCode: 403, code: 'SOP_ERR_FORBIDDEN', details: { reason: 'enrolment-token' } }, 'the enrolment token does not open sealed content');
    t.notMatch(refused.body, 'catatan rahasia', 'and carries none of it');
    t.equal((await app.call('GET', `/tasks/${notes.id}`, adminHeld)).statusCode, 200, 'it works for everything else');
    t.equal((await app.call('GET', `/tasks/${notes.id}/content`, dewi)).statusCode, 401, "and the author's own token stopped, which she notices");
    t.match((await app.call('GET', '/me', adminHeld)).json(), { tokenRotatedBy: adminId, tokenKind: 'enrolment' });

    // Recovery: the author, given a new enrolment token, makes it her own.
    const recovered = (await app.call('POST', '/me/token', adminHeld)).json().token as string;
    t.equal((await app.call('GET', `/tasks/${notes.id}/content`, recovered)).statusCode, 200, 'after her own rotation she reads again');
    const rotations = (await app.app.services.db.knex('audit_events').where({ type: 'user.token-rotated' })).map((r: { user_id: string; data: string }) => ({ by: r.user_id, ...JSON.parse(r.data) }));
    t.match(rotations, [
      { by: enrolment.id, id: enrolment.id, source: 'self' },
      { by: adminId, id: enrolment.id, source: 'issued' },
      { by: enrolment.id, id: enrolment.id, source: 'self' },
    ], 'every rotation is in the audit chain, with who did it');
    t.equal((await app.call('POST', '/me/token', ADMIN_TOKEN)).statusCode, 409, 'the ADMIN_TOKEN account does not rotate through the API');
  });
}
