// The content key and the split of a confidential step's record into choices and sealed text.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { contentCipher, defaultContentKeyFile, loadContentKeyFile, parseContentKey } from '../../src/privacy/content-cipher.js';
import { openContent, sealContent, splitRecorded } from '../../src/privacy/confidential-content.js';
import type { SopStep } from '../../src/sop/sop-metadata.js';
import { loadConfig } from '../../src/config.js';
import { tempDir } from '../helpers/app.js';

const key = Buffer.alloc(32, 1);

t.test('seal and open, bound to the key and the context', async (t) => {
  const cipher = contentCipher(key);
  const sealed = cipher.seal(Buffer.from('catatan konseling'), 'task:a');
  t.notOk(sealed.includes(Buffer.from('catatan')), 'no plaintext in the sealed bytes');
  t.equal(cipher.open(sealed, 'task:a').toString(), 'catatan konseling');
  t.not(cipher.seal(Buffer.from('catatan konseling'), 'task:a').toString('hex'), sealed.toString('hex'), 'a fresh IV each time');
  t.throws(() => cipher.open(sealed, 'task:b'), 'moved to another task it does not open');
  const flipped = Buffer.from(sealed);
  flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
  t.throws(() => cipher.open(flipped, 'task:a'), 'a changed byte is detected');
  t.throws(() => contentCipher(Buffer.alloc(32, 2)).open(sealed, 'task:a'), /sealed with key/, 'another key names the key it needs');
  t.throws(() => cipher.open(Buffer.from('short'), 'task:a'), /not a sealed value/);
  t.throws(() => contentCipher(Buffer.alloc(16)), /32 bytes/);
  t.equal(cipher.keyId.length, 16);
});

t.test('CONTENT_KEY in base64 or hex, and the key file', async (t) => {
  t.same(parseContentKey(key.toString('base64')), key);
  t.same(parseContentKey(key.toString('hex')), key);
  t.throws(() => parseContentKey('c2hvcnQ='), /32 bytes/);
  t.throws(() => loadConfig({ CONTENT_KEY: 'too-short' }), /CONTENT_KEY/);
  t.equal(loadConfig({ CONTENT_KEY: key.toString('base64') }).contentKey, key.toString('base64'));
  t.equal(defaultContentKeyFile('sqlite:/srv/sop/db.sqlite'), '/srv/sop/content-key');
  t.equal(defaultContentKeyFile('postgres://db/sop'), path.resolve('data', 'content-key'));

  const dir = tempDir(t);
  const file = path.join(dir, 'keys', 'content-key');
  const made = loadContentKeyFile(file);
  t.equal(made.length, 32);
  t.equal(fs.statSync(file).mode & 0o777, 0o600);
  t.same(loadContentKeyFile(file), made, 'the same key at the next start');
  t.same(fs.readdirSync(path.dirname(file)), ['content-key'], 'no draft left behind');
});

const step = {
  elementId: 'write-notes',
  confidential: true,
  form: [
    { name: 'catatan', label: 'Catatan', type: 'string', required: true },
    { name: 'lanjut', label: 'Tindak lanjut', type: 'enum', required: true, options: [] },
  ],
} as unknown as SopStep;

t.test('a confidential step: text and output values are sealed, choices stay', async (t) => {
  const r = splitRecorded(step, { catatan: 'isi', lanjut: 'selesai' }, [{ name: 'Laporan', ref: 'L-1', value: 'laporan' }, { name: 'Lain' }]);
  t.same(r.routing, { lanjut: 'selesai' });
  t.same(r.output, [{ name: 'Laporan', ref: 'L-1' }, { name: 'Lain' }]);
  t.same(r.content, { variables: { catatan: 'isi' }, output: [{ name: 'Laporan', value: 'laporan' }] });
  const cipher = contentCipher(key);
  t.same(openContent(cipher, 't1', sealContent(cipher, 't1', r.content as NonNullable<typeof r.content>)), r.content);
  t.equal(splitRecorded(step, { lanjut: 'selesai' }, [{ name: 'Laporan' }]).content, null, 'nothing written, nothing sealed');
  const ordinary = splitRecorded({ ...step, confidential: false }, { catatan: 'isi' }, [{ name: 'Laporan', value: 'v' }]);
  t.same(ordinary, { routing: { catatan: 'isi' }, output: [{ name: 'Laporan', value: 'v' }], content: null });
});
