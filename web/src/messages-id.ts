// Indonesian wording of what the server says: the API answers in English with stable codes (DESIGN.md, Errors), the page
// speaks Indonesian. A message the page knows is rewritten, any other falls back to its code's or its status's sentence.

/** One sentence per error code of src/errors.ts and src/http/error-handler.ts (and NETWORK, the page's own). */
export const CODE_TEXT: Readonly<Record<string, string>> = {
  NETWORK: 'Layanan tidak dapat dihubungi. Periksa koneksi lalu coba lagi.',
  SOP_ERR_UNAUTHENTICATED: 'Token tidak berlaku. Masuk lagi dengan token API yang aktif.',
  SOP_ERR_TOO_LARGE: 'Isi permintaan terlalu besar.',
  SOP_ERR_TIMEOUT: 'Permintaan terlalu lama terkirim. Coba lagi.',
  SOP_ERR_RATE_LIMITED: 'Terlalu banyak unggahan dalam waktu singkat. Tunggu sebentar lalu coba lagi.',
  SOP_ERR_UNAVAILABLE: 'Layanan sedang dimulai ulang. Coba lagi sebentar lagi.',
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
  SOP_ERR_EXTERNAL_TASK_LOCK: 'Tugas eksternal ini dikunci oleh worker lain.',
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

/**
 * Single words the server puts in its sentences (a kind of record, a state, a value's type, a kind of task), used
 * where a sentence's `{N}` quotes one; anything else a `{N}` quotes is translated as a sentence of its own.
 */
const WORDS: Readonly<Record<string, string>> = {
  task: 'Tugas',
  instance: 'Kasus',
  definition: 'SOP',
  user: 'Pengguna',
  attachment: 'Dokumen',
  calendar: 'Kalender',
  completed: 'sudah selesai',
  cancelled: 'sudah dibatalkan',
  running: 'masih berjalan',
  claimed: 'sudah diklaim',
  string: 'teks',
  number: 'angka',
  int: 'bilangan bulat',
  boolean: 'ya/tidak',
  array: 'daftar',
  object: 'objek',
  null: 'kosong',
  service: 'layanan',
  send: 'kirim',
  'business-rule': 'aturan bisnis',
};

/**
 * The server's English sentences (top-level messages, deploy problems and warnings, expression refusals) and their
 * Indonesian. The first pattern that matches the whole text wins; in its Indonesian, `$N` is the N-th captured part as
 * it was, `{N}` the N-th part translated (a word of WORDS, or a reason, itself a sentence of this list).
 */
const REWRITES: ReadonlyArray<readonly [RegExp, string]> = [
  // Sign-in and access.
  [/^unknown or inactive token$/, 'Token tidak dikenal atau tidak aktif.'],
  [/^a valid bearer token is required$/, 'Diperlukan token API yang berlaku.'],
  [/^(task|instance|definition|user|attachment|calendar) (\S+) version (\d+) not found$/, '{1} $2 versi $3 tidak ditemukan.'],
  [/^(task|instance|definition|user|attachment|calendar) (\S+) not found$/, '{1} $2 tidak ditemukan.'],
  [/^route (\S+) (\S+) not found$/, 'Alamat $1 $2 tidak ada.'],
  [/^(task|instance) \S+ is (completed|cancelled|running)$/, '{1} ini {2}.'],
  [/^task \S+ is claimed by another user$/, 'Tugas ini sudah diklaim petugas lain.'],
  [/^task \S+ was (?:claimed or completed|completed) meanwhile$/, 'Tugas ini sudah diklaim atau diselesaikan orang lain sementara itu. Muat ulang daftar.'],
  [/^(?:task|instance) \S+ changed meanwhile$/, 'Data berubah sementara itu. Muat ulang lalu coba lagi.'],
  [/^task \S+ needs the role (.+)$/, 'Tugas ini memerlukan peran $1.'],
  [/^starting (\S+) needs the role (.+)$/, 'Memulai $1 memerlukan peran $2.'],
  [/^deploying (\S+) needs (.+)$/, 'Mendeploy $1 memerlukan peran $2.'],
  [/^.+ needs? the (\w+) or (\w+) role$/, 'Tindakan ini memerlukan peran $1 atau $2.'],
  [/^.+ needs? the (\w+) role$/, 'Tindakan ini memerlukan peran $1.'],
  [/^definition (\S+) belongs to another unit$/, 'SOP $1 milik unit lain.'],
  [/^this document belongs to a task you may not read$/, 'Dokumen ini milik tugas yang tidak boleh Anda baca.'],
  [/^no confidential content was recorded at task \S+$/, 'Tidak ada isi rahasia yang dicatat pada tugas ini.'],
  [/^an admin cannot lock themselves out$/, 'Admin tidak dapat mengunci dirinya sendiri.'],
  // Requests.
  [/^invalid request: /, 'Permintaan tidak valid.'],
  [/^malformed request$/, 'Permintaan tidak dapat dibaca.'],
  [/^the body is not valid JSON$/, 'Isi permintaan bukan JSON yang valid.'],
  [/^request body too large$/, 'Isi permintaan terlalu besar.'],
  [/^a deploy takes BPMN XML/, 'Deploy memerlukan berkas BPMN XML.'],
  [/^the BPMN XML is empty$/, 'Berkas BPMN kosong.'],
  [/^file type (.+) is not accepted$/, 'Jenis berkas $1 tidak diterima.'],
  [/^the file is not a (.+)$/, 'Isi berkas bukan $1.'],
  [/^the service could not complete the request$/, 'Layanan tidak dapat menyelesaikan permintaan. Coba lagi nanti.'],
  [/^call activity (\S+) calls process '([^']+)'.*, which is not deployed$/, 'Langkah $1 memanggil proses \'$2\' yang belum dideploy.'],
  [/^element (\S+) could not run with this case's data: (.+)$/, 'Elemen $1 tidak dapat dijalankan dengan data kasus ini ($2); tidak ada yang disimpan.'],
  [/^instance \S+ was not moved to bpmn-engine and cannot advance: (.+)$/, 'Kasus ini tidak dapat dilanjutkan: $1'],
  // Field problems of a refused request (zod's wording).
  [/^Invalid input: expected (\w+), received undefined$/, 'wajib diisi'],
  [/^Invalid input: expected (\w+), received (\w+)$/, 'harus berupa {1}, bukan {2}'],
  [/^Too big: expected string to have <=(\d+) characters?$/, 'paling banyak $1 karakter'],
  [/^Too small: expected string to have >=1 characters?$/, 'wajib diisi'],
  [/^Too small: expected string to have >=(\d+) characters?$/, 'paling sedikit $1 karakter'],
  [/^Too big: expected (?:number|int) to be <=(\S+)$/, 'paling besar $1'],
  [/^Too small: expected (?:number|int) to be >=(\S+)$/, 'paling kecil $1'],
  [/^Invalid option: expected one of (.+)$/, 'harus salah satu dari $1'],
  [/^Unrecognized keys?: (.+)$/, 'kunci tidak dikenal: $1'],
  // bpmn-js, drawing a diagram in the page.
  [/^no diagram to display$/, 'Berkas ini tidak berisi gambar diagram (BPMNDI).'],
  [/^no process or collaboration to display$/, 'Berkas ini tidak berisi proses untuk digambar.'],
  [/^failed to parse document as <bpmn:Definitions>$/, 'Berkas ini bukan diagram BPMN 2.0.'],
  // Deploy: the diagram as a whole.
  [/^diagram refused(?:: .*)?$/, 'Diagram ditolak; perbaiki masalah berikut lalu deploy lagi.'],
  [/^DOCTYPE and entity declarations are not allowed$/, 'Deklarasi DOCTYPE dan entitas tidak diizinkan.'],
  [/^elements nest (\d+) deep; at most (\d+) levels are accepted$/, 'Elemen bersarang $1 tingkat; paling banyak $2 tingkat diterima.'],
  [/^the document has (\d+) elements; at most (\d+) are accepted$/, 'Dokumen berisi $1 elemen; paling banyak $2 diterima.'],
  [/^not a BPMN 2\.0 document: (.*)$/, 'Bukan dokumen BPMN 2.0: $1'],
  [/^the root element must be bpmn:definitions$/, 'Elemen akar harus bpmn:definitions.'],
  [/^this id is used by more than one element$/, 'Id ini dipakai oleh lebih dari satu elemen.'],
  [/^(.+) names '([^']+)', which no element of the diagram has$/, '$1 merujuk \'$2\', yang tidak ada di diagram.'],
  [/^the process id \(the SOP key\) must start/, 'Id proses (kunci SOP) harus diawali huruf dan hanya memakai huruf, angka, -, _ atau titik.'],
  [/^the engine cannot load this diagram: (.*)$/, 'Mesin proses tidak dapat memuat diagram ini: $1'],
  [/^no executable process \(isExecutable="true"\)$/, 'Tidak ada proses yang dapat dijalankan (isExecutable="true").'],
  [/^only one executable process per file is supported/, 'Hanya satu proses yang dapat dijalankan per berkas: deploy masing-masing dalam berkasnya sendiri.'],
  // Deploy: elements and what they may contain.
  [/^(bpmn:\w+): (.+)$/, '$1: {2}'],
  [/^script tasks are not allowed: nothing in a diagram is run as code$/, 'tugas skrip tidak diizinkan: tidak ada isi diagram yang dijalankan sebagai kode'],
  [/^a message catch needs a messageRef to a bpmn:message with a name$/, 'Penangkap pesan memerlukan messageRef ke bpmn:message yang bernama.'],
  [/^a signal catch needs a signalRef to a bpmn:signal with a name$/, 'Penangkap sinyal memerlukan signalRef ke bpmn:signal yang bernama.'],
  [/^a signal throw needs a signalRef to a bpmn:signal with a name$/, 'Pelempar sinyal memerlukan signalRef ke bpmn:signal yang bernama.'],
  [/^sending a message is not supported: .*$/, 'Mengirim pesan tidak didukung: kasus menerima pesan melalui POST /messages.'],
  [/^conditional start events of sub-processes are not supported: .*$/, 'Peristiwa mulai bersyarat pada sub-proses tidak didukung: pakai peristiwa batas atau peristiwa antara bersyarat.'],
  [/^a conditional event needs a condition$/, 'Peristiwa bersyarat memerlukan kondisi.'],
  [/^a (service|send|business-rule) task runs here only as an external task: .*$/, 'tugas {1} hanya berjalan di sini sebagai tugas eksternal: beri camunda:type="external" dan camunda:topic, atau zeebe:taskDefinition type'],
  [/^DMN decisions \((\S+)\) are not evaluated here: .*$/, 'Keputusan DMN ($1) tidak dievaluasi di sini: jadikan tugas eksternal yang diputuskan oleh worker'],
  [/^connectors \(camunda:connector\) are not run here: .*$/, 'Konektor (camunda:connector) tidak dijalankan di sini: jadikan tugas eksternal yang dilayani worker'],
  [/^(camunda:topic|zeebe:taskDefinition type) is empty$/, '$1 kosong'],
  [/^(camunda:topic|zeebe:taskDefinition type) must be a literal topic name, not '(.*)'$/, "$1 harus berupa nama topik tetap, bukan '$2'"],
  [/^(camunda:topic|zeebe:taskDefinition type) is longer than (\d+) characters$/, '$1 lebih dari $2 karakter'],
  [/^(camunda:taskPriority|zeebe:taskDefinition retries) must be a whole number, not '(.*)'$/, "$1 harus berupa bilangan bulat, bukan '$2'"],
  [/^transactions \(and their cancel events\) are not supported$/, 'transaksi (dan peristiwa batalnya) tidak didukung'],
  [/^ad-hoc sub-processes are not supported$/, 'sub-proses ad-hoc tidak didukung'],
  [/^complex gateways are not supported$/, 'gateway kompleks tidak didukung'],
  [/^cancel events belong to transactions, which are not supported$/, 'peristiwa batal milik transaksi, yang tidak didukung'],
  [/^timeCycle repetition is ignored on an intermediate catch event: .*$/, 'Pengulangan timeCycle diabaikan pada peristiwa antara: pewaktu hanya berbunyi sekali (siklus hanya berulang pada peristiwa mulai dan peristiwa batas yang tidak menyela).'],
  [/^timeCycle repetition is ignored on an interrupting boundary event: .*$/, 'Pengulangan timeCycle diabaikan pada peristiwa batas yang menyela: pewaktu hanya berbunyi sekali (siklus hanya berulang pada peristiwa mulai dan peristiwa batas yang tidak menyela).'],
  [/^timer start events of event sub-processes are not supported: .*$/, 'Peristiwa mulai pewaktu pada sub-proses peristiwa tidak didukung: mesin proses hanya memulai sub-proses peristiwa oleh pesan, sinyal, galat atau eskalasi; pakai pewaktu batas pada sub-proses yang memuat pekerjaannya.'],
  [/^a timer start event belongs to a process, not to an embedded sub-process$/, 'Peristiwa mulai pewaktu hanya milik proses, bukan sub-proses tertanam.'],
  [/^(\S+) is not supported by this service$/, '$1 tidak didukung oleh layanan ini.'],
  [/^(\S+) is not allowed: nothing in a diagram is run as code$/, '$1 tidak diizinkan: tidak ada isi diagram yang dijalankan sebagai kode.'],
  [/^attribute (\S+) is not allowed: nothing in a diagram is run as code$/, 'Atribut $1 tidak diizinkan: tidak ada isi diagram yang dijalankan sebagai kode.'],
  [/^boundary events on call activities are not supported yet$/, 'Peristiwa batas pada langkah pemanggil proses belum didukung.'],
  // Conditions and expressions.
  [/^script condition \((.+)\) is not allowed: .*$/, 'Kondisi skrip ($1) tidak diizinkan: kondisi hanya boleh membandingkan isian formulir.'],
  [/^a condition must be one \$\{…\} or =FEEL expression comparing case variables$/, 'Kondisi harus berupa satu ekspresi ${…} atau =FEEL yang membandingkan variabel kasus.'],
  [/^FEEL syntax error at position (\d+)(.*)$/, 'Kesalahan sintaks FEEL pada posisi $1$2'],
  [/^FEEL function definitions are not allowed: .*$/, 'Definisi fungsi FEEL tidak diizinkan: hanya fungsi bawaan yang boleh dipanggil'],
  [/^FEEL iteration over a range is not allowed: .*$/, 'Perulangan FEEL atas rentang tidak diizinkan: ulangi atas variabel daftar'],
  [/^nested FEEL iterations are not allowed$/, 'Perulangan FEEL bersarang tidak diizinkan'],
  [/^(\S+)\(\) needs a literal pattern without nested quantifiers or back-references$/, '$1() memerlukan pola literal tanpa kuantor bersarang atau rujukan balik'],
  [/^(.+) reads '(.+)', which nothing in the diagram sets: did you mean '(.+)' \(set by (.+)\)\?$/, "$1 membaca '$2', yang tidak diisi oleh apa pun dalam diagram: maksudnya '$3' (diisi oleh $4)?"],
  [/^condition refused: (.+)$/, 'Kondisi ditolak: {1}'],
  [/^assignee '(.+)': (.+)$/, "Penerima tugas '$1': {2}"],
  [/^embedded form: the (\w+) '(.+)' needs a key that is a variable name \(letters, digits, _\)$/, "Formulir tertanam: $1 '$2' memerlukan key berupa nama variabel (huruf, angka, _)."],
  [/^expression (.+) refused: (.+)$/, 'Ekspresi $1 ditolak: {2}'],
  [/^loop refused: (.+)$/, 'Perulangan ditolak: {1}'],
  [/^calledElement refused: (.+)$/, 'calledElement ditolak: {1}'],
  [/^flow out of decision (\S+) needs a condition or must be the gateway's default$/, 'Alur keluar dari keputusan $1 memerlukan kondisi atau harus menjadi alur bawaan gateway.'],
  [/^a decision without a default flow stops the instance when no condition holds$/, 'Keputusan tanpa alur bawaan menghentikan kasus bila tidak ada kondisi yang terpenuhi.'],
  [/^condition ignored: a parallel gateway takes every outgoing flow$/, 'Kondisi diabaikan: gateway paralel mengambil semua alur keluarnya.'],
  [/^unterminated string$/, 'teks tidak ditutup'],
  [/^unexpected character '(.+)'$/, 'karakter \'$1\' tidak terduga'],
  [/^function calls are not allowed$/, 'pemanggilan fungsi tidak diizinkan'],
  [/^unexpected end of expression$/, 'ekspresi berakhir sebelum lengkap'],
  [/^missing '\)'$/, "')' tidak ada"],
  [/^a property name must follow "\."$/, 'nama properti harus mengikuti "."'],
  [/^'(.+)' may not be read$/, '\'$1\' tidak boleh dibaca'],
  [/^unexpected '(.+)'$/, '\'$1\' tidak terduga'],
  // Forms, loops, calls, the sop extension.
  [/^form field name '(.+)' must be an identifier and not a reserved name$/, 'Nama isian \'$1\' harus berupa pengenal dan bukan nama yang dicadangkan.'],
  [/^form field '(.+)' is declared twice$/, 'Isian \'$1\' dideklarasikan dua kali.'],
  [/^form field '(.+)' has unknown type '(.+)'$/, 'Isian \'$1\' memakai jenis \'$2\' yang tidak dikenal.'],
  [/^slots of '(.+)' must be HH:mm-HH:mm windows on a datetime field$/, 'Slot \'$1\' harus berupa rentang HH:mm-HH:mm pada isian tanggal-waktu.'],
  [/^enum field '(.+)' has no options$/, 'Isian pilihan \'$1\' tidak punya opsi.'],
  [/^option '(.+)' of '(.+)': (.+)$/, 'Opsi \'$1\' dari \'$2\': {3}'],
  [/^only tasks people do and sub-processes may loop$/, 'Hanya tugas orang dan sub-proses yang boleh berulang.'],
  [/^a standard loop needs a loopCondition or a loopMaximum$/, 'Perulangan standar memerlukan loopCondition atau loopMaximum.'],
  [/^a multi-instance activity needs .*$/, 'Aktivitas multi-instans memerlukan koleksi (camunda:collection atau loopDataInputRef) atau loopCardinality.'],
  [/^variable name '(.+)' is reserved$/, 'Nama variabel \'$1\' dicadangkan.'],
  [/^a call activity needs calledElement .*$/, 'Langkah pemanggil proses memerlukan calledElement (kunci proses yang sudah dideploy).'],
  [/^version (\d+) of process '(.+)' is not deployed yet: the call fails until it is$/, 'Versi $1 proses \'$2\' belum dideploy: pemanggilan gagal sampai versi itu ada.'],
  [/^no process '(.+)' is deployed yet: the call fails until one is$/, 'Proses \'$1\' belum dideploy: pemanggilan gagal sampai proses itu ada.'],
  [/^camunda:(\w+) businessKey is ignored: .*$/, 'businessKey pada camunda:$1 diabaikan: kasus anak selalu memakai nomor kasus induknya.'],
  [/^duration '(.+)' must be an ISO 8601 duration .*$/, 'Durasi \'$1\' harus berupa durasi ISO 8601 dalam hari, jam, menit atau detik (mis. PT30M, P1D).'],
  [/^reads (\S+), a text field of confidential step (\S+): .*$/, 'Membaca $1, isian teks langkah rahasia $2: isian itu tersegel untuk pencatatnya dan tidak pernah masuk ke proses.'],
  [/^no sop:document: identity block missing, calendar defaults to wib$/, 'Tidak ada sop:document: blok identitas tidak ada, kalender memakai WIB.'],
  [/^lane has no sop:actor role: .*$/, 'Lajur tanpa peran sop:actor: tugasnya hanya dapat dikerjakan pemilik dan admin.'],
  [/^task has no lane with a sop:actor role: .*$/, 'Tugas tanpa lajur berperan sop:actor: dikerjakan pemilik unit dan admin.'],
  // What the variable analysis (src/engine/variable-analysis.ts) says of expressions.
  [/^no flow out of this decision is taken when (.+): add a default flow .*$/, 'Tidak ada alur keluar dari keputusan ini yang diambil bila $1: tambahkan alur bawaan atau kondisi untuk kasus itu, atau kasus seperti itu berhenti dengan SOP_ERR_NO_PATH.'],
  [/^(.+) reads '(.+)', which nothing in the diagram sets: it must come with the case's start variables$/, "$1 membaca '$2', yang tidak diisi oleh apa pun dalam diagram: nilainya harus diberikan saat kasus dimulai."],
  [/^(.+) reads '(.+)', which only (.+) sets, on no path before it$/, "$1 membaca '$2', yang hanya diisi oleh $3, tidak pada jalur mana pun sebelumnya."],
  [/^(.+) reads '(.+)', which nothing in the diagram sets: did you mean '(.+)' \(set by (.+)\)\? \(unless .*\)$/, "$1 membaca '$2', yang tidak diisi oleh apa pun dalam diagram: maksudnya '$3' (diisi oleh $4)? (kecuali elemen sebelumnya yang mengisi variabel tanpa nama mengisinya)"],
  [/^(.+) compares (\w+) field '(.+)' \(set by (.+)\) with the (\w+) (.+), which is none of its options \((.+)\): the comparison never holds$/, "$1 membandingkan isian $2 '$3' (diisi oleh $4) dengan $6, yang bukan salah satu opsinya ($7): perbandingan itu tidak pernah terpenuhi."],
  [/^(.+) compares (\w+) field '(.+)' \(set by (.+)\) with the (\w+) (.+): FEEL does not convert types.*$/, "$1 membandingkan isian $2 '$3' (diisi oleh $4) dengan $6 yang berlainan jenis: FEEL tidak mengubah jenis, jadi perbandingan itu tidak pernah benar."],
  [/^(.+) compares (\w+) field '(.+)' \(set by (.+)\) with the (\w+) (.+): EL converts .*$/, "$1 membandingkan isian $2 '$3' (diisi oleh $4) dengan $6 yang berlainan jenis: EL mengubah jenisnya seperti Camunda; bandingkan dengan nilai sejenis."],
];

/** Rewrites `text` and the reasons it quotes; a sentence (or quoted reason) no pattern knows is kept and added to `misses`. */
function translate(text: string, misses: string[]): string {
  const word = WORDS[text];
  if (word !== undefined) return word;
  for (const [pattern, indonesian] of REWRITES) {
    const m = pattern.exec(text);
    if (m) return indonesian.replace(/\$(\d)|\{(\d)\}/g, (_, raw?: string, quoted?: string) => (raw ? (m[Number(raw)] ?? '') : translate(m[Number(quoted)] ?? '', misses)));
  }
  misses.push(text);
  return text;
}

/** The Indonesian of one server sentence (a message, a deploy problem or warning); unknown sentences come back as they are. */
export function translateText(text: string): string {
  return translate(text, []);
}

/** Whether the page has Indonesian for the whole sentence, the reasons it quotes included. */
export function knowsText(text: string): boolean {
  const misses: string[] = [];
  translate(text, misses);
  return misses.length === 0;
}

/** The Indonesian sentence for an error answer: its message when the page knows it, else its code's, else its status's. */
export function errorText(body: { statusCode: number; code: string; message: string }): string {
  if (knowsText(body.message)) return translateText(body.message);
  return CODE_TEXT[body.code] ?? statusText(body.statusCode);
}
