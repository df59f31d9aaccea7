// The page's Indonesian catalogue against what the service says: every deploy problem of the conformance corpus
// (the public BPMN diagrams the service was tried on) has Indonesian wording in the page.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { FIXTURES } from '../helpers/app.js';
import { CODE_TEXT, errorText, knowsText, translateText } from '../../web/src/messages-id.js';

t.test('every deploy problem kind of the conformance corpus is worded in Indonesian', async (t) => {
  const outcomes = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'conformance-outcomes.json'), 'utf8')) as Record<string, { problems?: string[] }>;
  const messages = new Set(Object.values(outcomes).flatMap((o) => (o.problems ?? []).map((p) => p.slice(p.indexOf(': ') + 2))));
  t.ok(messages.size > 20, `${messages.size} distinct problems`);
  const unknown = [...messages].filter((m) => !knowsText(m));
  t.same(unknown, [], 'none left in English');
  t.equal(translateText('bpmn:ScriptTask: script tasks are not allowed: nothing in a diagram is run as code'), 'bpmn:ScriptTask: tugas skrip tidak diizinkan: tidak ada isi diagram yang dijalankan sebagai kode');
  t.equal(translateText('condition refused: function calls are not allowed'), 'Kondisi ditolak: pemanggilan fungsi tidak diizinkan');
  t.equal(translateText('something the page does not know'), 'something the page does not know', 'an unknown sentence comes back as it is');
  t.notOk(knowsText('condition refused: a reason the page does not know'), 'a sentence counts as known only with the reason it quotes');
  t.equal(translateText('task 7 is completed'), 'Tugas ini sudah selesai.', 'a quoted word');
  t.equal(translateText('Invalid input: expected string, received number'), 'harus berupa teks, bukan angka');
  const analysis = [
    "no flow out of this decision is taken when k = 'c': add a default flow or a condition for that case, or such a case stops with SOP_ERR_NO_PATH",
    "condition reads 'jumlah', which nothing in the diagram sets: it must come with the case's start variables",
    "condition reads 'hasil', which only isi sets, on no path before it",
    "condition reads 'keputusn', which nothing in the diagram sets: did you mean 'keputusan' (set by isi)?",
    "condition reads 'keputusn', which nothing in the diagram sets: did you mean 'keputusan' (set by isi)? (unless an element before it that sets unnamed variables sets it)",
    "condition compares enum field 'p' (set by isi) with the string 'c', which is none of its options (a, b): the comparison never holds",
    "condition compares boolean field 's' (set by isi) with the string 'true': FEEL does not convert types, so the comparison is never true",
    "condition compares boolean field 's' (set by isi) with the string 'true': EL converts the string to a boolean as Camunda does ('true' in any case is true, any other text false); compare with true instead",
    'expression = a > refused: FEEL syntax error at position 4',
    'condition refused: nested FEEL iterations are not allowed',
    'a condition must be one ${…} or =FEEL expression comparing case variables',
  ];
  t.same(analysis.filter((m) => !knowsText(m)), [], 'what the variable analysis and the FEEL check say is worded in Indonesian');
});

t.test('an error answer in Indonesian: its message, else its code, else its status', async (t) => {
  t.equal(errorText({ statusCode: 401, code: 'SOP_ERR_UNAUTHENTICATED', message: 'unknown or inactive token' }), 'Token tidak dikenal atau tidak aktif.');
  t.equal(errorText({ statusCode: 422, code: 'SOP_ERR_MISSING_DOCUMENTS', message: 'Kelengkapan belum dilampirkan: Surat' }), CODE_TEXT.SOP_ERR_MISSING_DOCUMENTS);
  const byStatus = [401, 403, 404, 409, 429, 503, 418].map((statusCode) => errorText({ statusCode, code: 'SOP_ERR_FROM_A_NEWER_SERVER', message: 'a sentence the page does not know' }));
  t.same(byStatus, [CODE_TEXT.SOP_ERR_UNAUTHENTICATED, CODE_TEXT.SOP_ERR_FORBIDDEN, CODE_TEXT.SOP_ERR_NOT_FOUND, CODE_TEXT.SOP_ERR_CONFLICT, 'Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi.', CODE_TEXT.SOP_ERR_INTERNAL, 'Permintaan ditolak.']);
});
