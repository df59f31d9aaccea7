// Indonesian wording of what the server says: the API answers in English with stable codes (DESIGN.md, Errors), the page
// speaks Indonesian. A message the page knows is rewritten, any other falls back to its code's or its status's sentence.

/** One sentence per error code of src/errors.ts and src/http/error-handler.ts (and NETWORK, the page's own). */
export const CODE_TEXT: Readonly<Record<string, string>> = {
  NETWORK: 'Layanan tidak dapat dihubungi. Periksa koneksi lalu coba lagi.',
  SOP_ERR_UNAUTHENTICATED: 'Token tidak berlaku. Masuk lagi dengan token API yang aktif.',
  SOP_ERR_TOO_LARGE: 'Isi permintaan terlalu besar.',
  SOP_ERR_UNSUPPORTED_MEDIA: 'Jenis isi permintaan tidak didukung.',
  SOP_ERR_VALIDATION: 'Permintaan tidak valid.',
  SOP_ERR_INVALID_BPMN: 'Diagram ditolak.',
  SOP_ERR_NOT_FOUND: 'Data tidak ditemukan, atau tidak terlihat oleh peran Anda.',
  SOP_ERR_FORBIDDEN: 'Peran Anda tidak mengizinkan tindakan ini.',
  SOP_ERR_CONFLICT: 'Tindakan ini tidak sesuai dengan status data sekarang. Muat ulang lalu coba lagi.',
  SOP_ERR_CASE_NOT_MOVED: 'Kasus ini dapat dibaca tetapi tidak dapat dilanjutkan. Hubungi admin.',
  SOP_ERR_MISSING_DOCUMENTS: 'Kelengkapan belum dilampirkan.',
  SOP_ERR_MISSING_OUTPUT: 'Output belum dicatat.',
  SOP_ERR_INVALID_FORM: 'Isian formulir tidak valid.',
  SOP_ERR_OUTSIDE_CALENDAR: 'Di luar jadwal layanan.',
  SOP_ERR_CALLED_PROCESS_MISSING: 'Proses yang dipanggil langkah ini belum dideploy.',
  SOP_ERR_ACTIVITY_FAILED: 'Sebuah langkah tidak dapat dijalankan dengan data kasus ini; tidak ada yang disimpan.',
  SOP_ERR_NO_PATH: 'Tidak ada alur keputusan yang dapat diambil dengan isian ini; tidak ada yang disimpan.',
  SOP_ERR_ENGINE: 'Mesin proses tidak dapat melanjutkan kasus ini; tidak ada yang disimpan.',
  SOP_ERR_INTERNAL: 'Layanan tidak dapat menyelesaikan permintaan. Coba lagi nanti.',
};

/** A sentence for a status whose code the page does not know (a newer server). */
function statusText(status: number): string {
  if (status === 401) return CODE_TEXT.SOP_ERR_UNAUTHENTICATED as string;
  if (status === 403) return CODE_TEXT.SOP_ERR_FORBIDDEN as string;
  if (status === 404) return CODE_TEXT.SOP_ERR_NOT_FOUND as string;
  if (status === 409) return CODE_TEXT.SOP_ERR_CONFLICT as string;
  if (status === 429) return 'Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi.';
  if (status >= 500) return CODE_TEXT.SOP_ERR_INTERNAL as string;
  return 'Permintaan ditolak.';
}

type Rewrite = (m: RegExpExecArray, tr: (text: string) => string) => string;

const NOUNS: Record<string, string> = { task: 'Tugas', instance: 'Kasus', definition: 'SOP', user: 'Pengguna', attachment: 'Dokumen', calendar: 'Kalender' };
const STATES: Record<string, string> = { completed: 'sudah selesai', cancelled: 'sudah dibatalkan', running: 'masih berjalan', claimed: 'sudah diklaim' };
const TYPES: Record<string, string> = { string: 'teks', number: 'angka', int: 'bilangan bulat', boolean: 'ya/tidak', array: 'daftar', object: 'objek', null: 'kosong' };
const NOT_YET_EVENTS = 'peristiwa waktu, pesan, sinyal dan kondisi belum didukung';
const EXTERNAL_LATER = 'akan menjadi tugas eksternal pada rilis berikutnya';

/**
 * The server's English sentences (top-level messages, deploy problems and warnings, expression refusals) and their
 * Indonesian. The first pattern that matches the whole text wins; a part captured as a reason is translated again.
 */
const REWRITES: ReadonlyArray<readonly [RegExp, Rewrite]> = [
  // Sign-in and access.
  [/^unknown or inactive token$/, () => 'Token tidak dikenal atau tidak aktif.'],
  [/^a valid bearer token is required$/, () => 'Diperlukan token API yang berlaku.'],
  [/^(task|instance|definition|user|attachment|calendar) (\S+) version (\d+) not found$/, (m) => `${NOUNS[m[1] as string]} ${m[2]} versi ${m[3]} tidak ditemukan.`],
  [/^(task|instance|definition|user|attachment|calendar) (\S+) not found$/, (m) => `${NOUNS[m[1] as string]} ${m[2]} tidak ditemukan.`],
  [/^route (\S+) (\S+) not found$/, (m) => `Alamat ${m[1]} ${m[2]} tidak ada.`],
  [/^(task|instance) \S+ is (completed|cancelled|running)$/, (m) => `${NOUNS[m[1] as string]} ini ${STATES[m[2] as string]}.`],
  [/^task \S+ is claimed by another user$/, () => 'Tugas ini sudah diklaim petugas lain.'],
  [/^task \S+ was (?:claimed or completed|completed) meanwhile$/, () => 'Tugas ini sudah diklaim atau diselesaikan orang lain sementara itu. Muat ulang daftar.'],
  [/^(?:task|instance) \S+ changed meanwhile$/, () => 'Data berubah sementara itu. Muat ulang lalu coba lagi.'],
  [/^task \S+ needs the role (.+)$/, (m) => `Tugas ini memerlukan peran ${m[1]}.`],
  [/^starting (\S+) needs the role (.+)$/, (m) => `Memulai ${m[1]} memerlukan peran ${m[2]}.`],
  [/^deploying (\S+) needs (.+)$/, (m) => `Mendeploy ${m[1]} memerlukan peran ${m[2]}.`],
  [/^.+ needs? the (\w+)(?: or (\w+))? role$/, (m) => `Tindakan ini memerlukan peran ${m[1]}${m[2] ? ` atau ${m[2]}` : ''}.`],
  [/^definition (\S+) belongs to another unit$/, (m) => `SOP ${m[1]} milik unit lain.`],
  [/^this document belongs to a task you may not read$/, () => 'Dokumen ini milik tugas yang tidak boleh Anda baca.'],
  [/^no confidential content was recorded at task \S+$/, () => 'Tidak ada isi rahasia yang dicatat pada tugas ini.'],
  [/^an admin cannot lock themselves out$/, () => 'Admin tidak dapat mengunci dirinya sendiri.'],
  // Requests.
  [/^invalid request: /, () => 'Permintaan tidak valid.'],
  [/^malformed request$/, () => 'Permintaan tidak dapat dibaca.'],
  [/^the body is not valid JSON$/, () => 'Isi permintaan bukan JSON yang valid.'],
  [/^request body too large$/, () => 'Isi permintaan terlalu besar.'],
  [/^a deploy takes BPMN XML/, () => 'Deploy memerlukan berkas BPMN XML.'],
  [/^the BPMN XML is empty$/, () => 'Berkas BPMN kosong.'],
  [/^file type (.+) is not accepted$/, (m) => `Jenis berkas ${m[1]} tidak diterima.`],
  [/^the file is not a (.+)$/, (m) => `Isi berkas bukan ${m[1]}.`],
  [/^the service could not complete the request$/, () => CODE_TEXT.SOP_ERR_INTERNAL as string],
  [/^call activity (\S+) calls process '([^']+)'.*, which is not deployed$/, (m) => `Langkah ${m[1]} memanggil proses '${m[2]}' yang belum dideploy.`],
  [/^element (\S+) could not run with this case's data: (.+)$/, (m) => `Elemen ${m[1]} tidak dapat dijalankan dengan data kasus ini (${m[2]}); tidak ada yang disimpan.`],
  [/^instance \S+ was not moved to bpmn-engine and cannot advance: (.+)$/, (m) => `Kasus ini tidak dapat dilanjutkan: ${m[1]}`],
  // Field problems of a refused request (zod's wording).
  [/^Invalid input: expected (\w+), received undefined$/, () => 'wajib diisi'],
  [/^Invalid input: expected (\w+), received (\w+)$/, (m) => `harus berupa ${TYPES[m[1] as string] ?? m[1]}, bukan ${TYPES[m[2] as string] ?? m[2]}`],
  [/^Too big: expected string to have <=(\d+) characters?$/, (m) => `paling banyak ${m[1]} karakter`],
  [/^Too small: expected string to have >=(\d+) characters?$/, (m) => (m[1] === '1' ? 'wajib diisi' : `paling sedikit ${m[1]} karakter`)],
  [/^Too big: expected (?:number|int) to be <=(\S+)$/, (m) => `paling besar ${m[1]}`],
  [/^Too small: expected (?:number|int) to be >=(\S+)$/, (m) => `paling kecil ${m[1]}`],
  [/^Invalid option: expected one of (.+)$/, (m) => `harus salah satu dari ${m[1]}`],
  [/^Unrecognized keys?: (.+)$/, (m) => `kunci tidak dikenal: ${m[1]}`],
  // bpmn-js, drawing a diagram in the page.
  [/^no diagram to display$/, () => 'Berkas ini tidak berisi gambar diagram (BPMNDI).'],
  [/^no process or collaboration to display$/, () => 'Berkas ini tidak berisi proses untuk digambar.'],
  [/^failed to parse document as <bpmn:Definitions>$/, () => 'Berkas ini bukan diagram BPMN 2.0.'],
  // Deploy: the diagram as a whole.
  [/^diagram refused(?:: .*)?$/, () => 'Diagram ditolak; perbaiki masalah berikut lalu deploy lagi.'],
  [/^DOCTYPE and entity declarations are not allowed$/, () => 'Deklarasi DOCTYPE dan entitas tidak diizinkan.'],
  [/^elements nest (\d+) deep; at most (\d+) levels are accepted$/, (m) => `Elemen bersarang ${m[1]} tingkat; paling banyak ${m[2]} tingkat diterima.`],
  [/^the document has (\d+) elements; at most (\d+) are accepted$/, (m) => `Dokumen berisi ${m[1]} elemen; paling banyak ${m[2]} diterima.`],
  [/^not a BPMN 2\.0 document: (.*)$/, (m) => `Bukan dokumen BPMN 2.0: ${m[1]}`],
  [/^the root element must be bpmn:definitions$/, () => 'Elemen akar harus bpmn:definitions.'],
  [/^this id is used by more than one element$/, () => 'Id ini dipakai oleh lebih dari satu elemen.'],
  [/^(.+) names '([^']+)', which no element of the diagram has$/, (m) => `${m[1]} merujuk '${m[2]}', yang tidak ada di diagram.`],
  [/^the process id \(the SOP key\) must start/, () => 'Id proses (kunci SOP) harus diawali huruf dan hanya memakai huruf, angka, -, _ atau titik.'],
  [/^the engine cannot load this diagram: (.*)$/, (m) => `Mesin proses tidak dapat memuat diagram ini: ${m[1]}`],
  [/^no executable process \(isExecutable="true"\)$/, () => 'Tidak ada proses yang dapat dijalankan (isExecutable="true").'],
  [/^only one executable process per file is supported/, () => 'Hanya satu proses yang dapat dijalankan per berkas: deploy masing-masing dalam berkasnya sendiri.'],
  // Deploy: elements and what they may contain.
  [/^(bpmn:\w+): (.+)$/, (m, tr) => `${m[1]}: ${tr(m[2] as string)}`],
  [/^script tasks are not allowed: nothing in a diagram is run as code$/, () => 'tugas skrip tidak diizinkan: tidak ada isi diagram yang dijalankan sebagai kode'],
  [/^timers, messages, signals and conditional events are not supported yet$/, () => NOT_YET_EVENTS],
  [/^event-based gateways wait for events: .*$/, () => `gateway berbasis peristiwa menunggu peristiwa: ${NOT_YET_EVENTS}`],
  [/^(service|send|business-rule) tasks become external tasks in a later release$/, (m) => `tugas ${({ service: 'layanan', send: 'kirim', 'business-rule': 'aturan bisnis' } as Record<string, string>)[m[1] as string]} ${EXTERNAL_LATER}`],
  [/^receive tasks wait for a message and become external tasks in a later release$/, () => `tugas terima menunggu pesan dan ${EXTERNAL_LATER}`],
  [/^transactions \(and their cancel events\) are not supported$/, () => 'transaksi (dan peristiwa batalnya) tidak didukung'],
  [/^ad-hoc sub-processes are not supported$/, () => 'sub-proses ad-hoc tidak didukung'],
  [/^complex gateways are not supported$/, () => 'gateway kompleks tidak didukung'],
  [/^cancel events belong to transactions, which are not supported$/, () => 'peristiwa batal milik transaksi, yang tidak didukung'],
  [/^(\S+) is not supported by this service$/, (m) => `${m[1]} tidak didukung oleh layanan ini.`],
  [/^(\S+) is not allowed: nothing in a diagram is run as code$/, (m) => `${m[1]} tidak diizinkan: tidak ada isi diagram yang dijalankan sebagai kode.`],
  [/^attribute (\S+) is not allowed: nothing in a diagram is run as code$/, (m) => `Atribut ${m[1]} tidak diizinkan: tidak ada isi diagram yang dijalankan sebagai kode.`],
  [/^boundary events on call activities are not supported yet$/, () => 'Peristiwa batas pada langkah pemanggil proses belum didukung.'],
  // Conditions and expressions.
  [/^script condition \((.+)\) is not allowed: .*$/, (m) => `Kondisi skrip (${m[1]}) tidak diizinkan: kondisi hanya boleh membandingkan isian formulir.`],
  [/^a condition must be one \$\{…\} expression comparing form variables$/, () => 'Kondisi harus berupa satu ekspresi ${…} yang membandingkan isian formulir.'],
  [/^condition refused: (.+)$/, (m, tr) => `Kondisi ditolak: ${tr(m[1] as string)}`],
  [/^expression (.+) refused: (.+)$/, (m, tr) => `Ekspresi ${m[1]} ditolak: ${tr(m[2] as string)}`],
  [/^loop refused: (.+)$/, (m, tr) => `Perulangan ditolak: ${tr(m[1] as string)}`],
  [/^calledElement refused: (.+)$/, (m, tr) => `calledElement ditolak: ${tr(m[1] as string)}`],
  [/^flow out of decision (\S+) needs a condition or must be the gateway's default$/, (m) => `Alur keluar dari keputusan ${m[1]} memerlukan kondisi atau harus menjadi alur bawaan gateway.`],
  [/^a decision without a default flow stops the instance when no condition holds$/, () => 'Keputusan tanpa alur bawaan menghentikan kasus bila tidak ada kondisi yang terpenuhi.'],
  [/^condition ignored: a parallel gateway takes every outgoing flow$/, () => 'Kondisi diabaikan: gateway paralel mengambil semua alur keluarnya.'],
  [/^unterminated string$/, () => 'teks tidak ditutup'],
  [/^unexpected character '(.+)'$/, (m) => `karakter '${m[1]}' tidak terduga`],
  [/^function calls are not allowed$/, () => 'pemanggilan fungsi tidak diizinkan'],
  [/^unexpected end of expression$/, () => 'ekspresi berakhir sebelum lengkap'],
  [/^missing '\)'$/, () => "')' tidak ada"],
  [/^a property name must follow "\."$/, () => 'nama properti harus mengikuti "."'],
  [/^'(.+)' may not be read$/, (m) => `'${m[1]}' tidak boleh dibaca`],
  [/^unexpected '(.+)'$/, (m) => `'${m[1]}' tidak terduga`],
  // Forms, loops, calls, the sop extension.
  [/^form field name '(.+)' must be an identifier and not a reserved name$/, (m) => `Nama isian '${m[1]}' harus berupa pengenal dan bukan nama yang dicadangkan.`],
  [/^form field '(.+)' is declared twice$/, (m) => `Isian '${m[1]}' dideklarasikan dua kali.`],
  [/^form field '(.+)' has unknown type '(.+)'$/, (m) => `Isian '${m[1]}' memakai jenis '${m[2]}' yang tidak dikenal.`],
  [/^slots of '(.+)' must be HH:mm-HH:mm windows on a datetime field$/, (m) => `Slot '${m[1]}' harus berupa rentang HH:mm-HH:mm pada isian tanggal-waktu.`],
  [/^enum field '(.+)' has no options$/, (m) => `Isian pilihan '${m[1]}' tidak punya opsi.`],
  [/^option '(.+)' of '(.+)': (.+)$/, (m, tr) => `Opsi '${m[1]}' dari '${m[2]}': ${tr(m[3] as string)}`],
  [/^only tasks people do and sub-processes may loop$/, () => 'Hanya tugas orang dan sub-proses yang boleh berulang.'],
  [/^a standard loop needs a loopCondition or a loopMaximum$/, () => 'Perulangan standar memerlukan loopCondition atau loopMaximum.'],
  [/^a multi-instance activity needs .*$/, () => 'Aktivitas multi-instans memerlukan koleksi (camunda:collection atau loopDataInputRef) atau loopCardinality.'],
  [/^variable name '(.+)' is reserved$/, (m) => `Nama variabel '${m[1]}' dicadangkan.`],
  [/^a call activity needs calledElement .*$/, () => 'Langkah pemanggil proses memerlukan calledElement (kunci proses yang sudah dideploy).'],
  [/^version (\d+) of process '(.+)' is not deployed yet: the call fails until it is$/, (m) => `Versi ${m[1]} proses '${m[2]}' belum dideploy: pemanggilan gagal sampai versi itu ada.`],
  [/^no process '(.+)' is deployed yet: the call fails until one is$/, (m) => `Proses '${m[1]}' belum dideploy: pemanggilan gagal sampai proses itu ada.`],
  [/^camunda:(\w+) businessKey is ignored: .*$/, (m) => `businessKey pada camunda:${m[1]} diabaikan: kasus anak selalu memakai nomor kasus induknya.`],
  [/^duration '(.+)' must be an ISO 8601 duration .*$/, (m) => `Durasi '${m[1]}' harus berupa durasi ISO 8601 dalam hari, jam, menit atau detik (mis. PT30M, P1D).`],
  [/^reads (\S+), a text field of confidential step (\S+): .*$/, (m) => `Membaca ${m[1]}, isian teks langkah rahasia ${m[2]}: isian itu tersegel untuk pencatatnya dan tidak pernah masuk ke proses.`],
  [/^no sop:document: identity block missing, calendar defaults to wib$/, () => 'Tidak ada sop:document: blok identitas tidak ada, kalender memakai WIB.'],
  [/^lane has no sop:actor role: .*$/, () => 'Lajur tanpa peran sop:actor: tugasnya hanya dapat dikerjakan pemilik dan admin.'],
  [/^task has no lane with a sop:actor role: .*$/, () => 'Tugas tanpa lajur berperan sop:actor: dikerjakan pemilik unit dan admin.'],
];

/** The Indonesian of one server sentence (a message, a deploy problem or warning); unknown sentences come back as they are. */
export function translateText(text: string): string {
  for (const [pattern, rewrite] of REWRITES) {
    const m = pattern.exec(text);
    if (m) return rewrite(m, translateText);
  }
  return text;
}

/** Whether the page has Indonesian for this sentence. */
export function knowsText(text: string): boolean {
  return REWRITES.some(([pattern]) => pattern.test(text));
}

/** The Indonesian sentence for an error answer: its message when the page knows it, else its code's, else its status's. */
export function errorText(body: { statusCode: number; code: string; message: string }): string {
  if (knowsText(body.message)) return translateText(body.message);
  return CODE_TEXT[body.code] ?? statusText(body.statusCode);
}
