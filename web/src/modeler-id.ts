// Indonesian for the modeler's own texts (bpmn-js palette and context pad, bpmn-js-properties-panel groups and labels),
// through bpmn-js's `translate` service (https://github.com/bpmn-io/bpmn-js-examples/tree/main/i18n). A text missing
// here stays in English; BPMN and Camunda terms owners know from Camunda Modeler (user task, candidate groups) are
// kept beside the Indonesian where they name an attribute.

/** The English texts of bpmn-js and bpmn-js-properties-panel this page shows, and their Indonesian. */
export const MODELER_TEXTS: Readonly<Record<string, string>> = {
  // Palette
  'Activate hand tool': 'Alat geser kanvas',
  'Activate lasso tool': 'Alat laso (pilih banyak)',
  'Activate create/remove space tool': 'Alat tambah/kurangi ruang',
  'Activate global connect tool': 'Alat penghubung',
  'Create start event': 'Buat peristiwa awal',
  'Create intermediate/boundary event': 'Buat peristiwa antara/batas',
  'Create end event': 'Buat peristiwa akhir',
  'Create gateway': 'Buat gateway (percabangan)',
  'Create task': 'Buat kegiatan',
  'Create data object reference': 'Buat objek data',
  'Create data store reference': 'Buat penyimpanan data',
  'Create expanded sub-process': 'Buat sub-proses',
  'Create pool/participant': 'Buat pool/peserta',
  'Create group': 'Buat grup',
  // Context pad
  'Append end event': 'Tambahkan peristiwa akhir',
  'Append gateway': 'Tambahkan gateway',
  'Append task': 'Tambahkan kegiatan',
  'Append intermediate/boundary event': 'Tambahkan peristiwa antara',
  'Append text annotation': 'Tambahkan anotasi',
  'Add text annotation': 'Tambahkan anotasi',
  'Change element': 'Ubah jenis elemen',
  'Change type': 'Ubah jenis',
  'Delete': 'Hapus',
  'Connect to other element': 'Hubungkan ke elemen lain',
  'Connect using association': 'Hubungkan dengan asosiasi',
  'Add lane above': 'Tambah lajur di atas',
  'Add lane below': 'Tambah lajur di bawah',
  'Divide into two lanes': 'Bagi menjadi dua lajur',
  'Divide into three lanes': 'Bagi menjadi tiga lajur',
  // Properties panel: groups
  General: 'Umum',
  Documentation: 'Dokumentasi',
  'User assignment': 'Penugasan (user assignment)',
  Forms: 'Formulir',
  'Asynchronous continuations': 'Kelanjutan asinkron',
  'Job execution': 'Eksekusi job',
  Inputs: 'Masukan',
  Outputs: 'Keluaran',
  'Execution listeners': 'Execution listeners (tidak dijalankan)',
  'Task listeners': 'Task listeners (tidak dijalankan)',
  'Extension properties': 'Properti tambahan',
  'Start initiator': 'Pemohon (initiator)',
  'History cleanup': 'Pembersihan riwayat',
  Tasklist: 'Daftar tugas',
  'Candidate starter': 'Yang boleh memulai',
  // Properties panel: entries
  Name: 'Nama',
  ID: 'ID',
  'Element documentation': 'Dokumentasi elemen',
  'Process documentation': 'Dokumentasi proses',
  Assignee: 'Penerima tugas (assignee)',
  'Candidate groups': 'Grup kandidat (candidate groups)',
  'Candidate users': 'Pengguna kandidat (candidate users)',
  'Due date': 'Batas waktu (due date)',
  'Follow up date': 'Tanggal tindak lanjut',
  Priority: 'Prioritas',
  Type: 'Jenis',
  'Form key': 'Kunci formulir (form key)',
  'Form reference': 'Rujukan formulir (formRef)',
  'Form fields': 'Isian formulir',
  'Camunda Forms': 'Camunda Forms (form-js)',
  'Embedded or External Task Forms': 'Formulir tertanam atau eksternal',
  'Generated Task Forms': 'Formulir dari isian (formData)',
  Binding: 'Pengikatan versi',
  Version: 'Versi',
  'Version tag': 'Label versi',
  Executable: 'Dapat dijalankan',
  Startable: 'Dapat dimulai',
  Initiator: 'Variabel pemohon',
  'Candidate starter groups': 'Grup yang boleh memulai',
  'Candidate starter users': 'Pengguna yang boleh memulai',
  'Time to live': 'Masa simpan',
  '<none>': '<tidak ada>',
  latest: 'terbaru',
  deployment: 'saat deploy',
  version: 'versi',
  Before: 'Sebelum',
  After: 'Sesudah',
  Exclusive: 'Eksklusif',
  // Properties panel: descriptions and tooltips of assignment, forms and due dates (what owners read most)
  'Specify more than one group as a comma separated list.': 'Beberapa grup dipisahkan koma. Pemegang salah satu grup boleh mengerjakan tugas ini (bersama peran lajur, bila ada).',
  'Specify more than one user as a comma separated list.': 'Beberapa pengguna dipisahkan koma.',
  'Start typing "${}" to create an expression.': 'Ketik "${}" untuk menulis ekspresi.',
  'Define the assignment, schedule, and priority of the user task. Assignee, candidate groups, and candidate users can be combined. Use due date and follow-up date to express deadlines and urgency. ':
    'Tentukan siapa yang mengerjakan tugas dan kapan tenggatnya. Penerima tugas, grup kandidat, dan pengguna kandidat dapat digabung; ${initiator} berarti pemohon kasus. ',
  'The due date as an EL expression (e.g. ${someDate}) or an ISO date (e.g. 2015-06-26T09:54:00).':
    'Tenggat tugas: ekspresi EL (mis. ${tanggalBatas}), tanggal ISO (mis. 2026-06-26T09:54:00+07:00) atau durasi ISO (mis. P3D), dihitung dalam waktu kerja bila proses punya kalender; mutu baku langkah didahulukan.',
  'The follow up date as an EL expression (e.g. ${someDate}) or an ISO date (e.g. 2015-06-26T09:54:00).':
    'Tanggal tindak lanjut: dibaca tetapi tidak dipakai layanan ini (tugas hanya punya tenggat).',
  'Link or embed a form created with the Camunda Forms editor. To associate a custom form, application, or URL to the user task, specify a form key. ':
    'Tautkan formulir Camunda Forms (tombol "Formulir tugas" menyusunnya). Kunci formulir ke halaman luar tidak dijalankan di sini. ',
  'Link a form created with the Camunda Forms editor. Submitting this form will start a new process instance. ': 'Tautkan formulir Camunda Forms yang diisi saat memulai kasus. ',
  'Learn more.': 'Selengkapnya.',
  'User task form documentation': 'Dokumentasi formulir tugas (Camunda)',
  'Start event form documentation': 'Dokumentasi formulir awal (Camunda)',
  'Custom form key': 'Kunci formulir lain',
  'Form ID': 'ID formulir (formId)',
  'Version tag by which the linked form will be referenced.': 'Label versi formulir yang ditautkan.',
};

/** bpmn-js's translate(template, replacements): the Indonesian of a known text, then `{name}` placeholders filled. */
export function translateModeler(template: string, replacements: Record<string, string> = {}): string {
  return (MODELER_TEXTS[template] ?? template).replace(/{([^}]+)}/g, (whole, key: string) => replacements[key] ?? whole);
}

/** The bpmn-js module replacing the default (English) translate service. */
export const IndonesianModule = { translate: ['value', translateModeler] };
