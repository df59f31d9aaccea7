// The form-js editor as owners see it in the modeler: its palette offers only the component types the server accepts
// in a deployed form (src/sop/form-js-components.ts, the list the server reads forms by), and it speaks Indonesian.
// form-js-editor 1.23 has no translate service (its texts are literals; bpmn-io/form-js#1549 adds one in a later
// release): the module registers `translate` for such a release and, until then, form-editor-dom.ts rewrites the
// editor's own texts in the DOM with this table.
import { FORM_JS_ACCEPTED_TYPES } from '../../src/sop/form-js-components.js';

/** English texts of the form-js editor (1.23) and their Indonesian; a text missing here stays in English. */
export const FORM_EDITOR_TEXTS: Readonly<Record<string, string>> = {
  // Palette
  Components: 'Komponen',
  'Search components': 'Cari komponen',
  'Clear content': 'Hapus isian',
  'No components found.': 'Tidak ada komponen.',
  Input: 'Isian',
  Selection: 'Pilihan',
  Presentation: 'Tampilan',
  Containers: 'Wadah',
  Action: 'Tindakan',
  'Text field': 'Isian teks',
  'Text area': 'Area teks',
  Number: 'Angka',
  'Date time': 'Tanggal/waktu',
  Checkbox: 'Kotak centang',
  'Radio group': 'Pilihan tunggal (radio)',
  Select: 'Daftar pilihan',
  'Text view': 'Teks',
  'HTML view': 'HTML',
  'Image view': 'Gambar',
  Table: 'Tabel',
  'Document preview': 'Pratinjau dokumen',
  Spacer: 'Jarak',
  Separator: 'Pemisah',
  Group: 'Grup',
  iFrame: 'iFrame',
  Button: 'Tombol',
  // Empty form and properties panel
  'Build your form': 'Susun formulir',
  'Drag and drop components here to start designing.': 'Seret komponen ke sini untuk mulai menyusun.',
  'Drag and drop components here.': 'Seret komponen ke sini.',
  'Use the preview window to test your form.': 'Coba formulir di jendela pratinjau.',
  'Select a form field to edit its properties.': 'Pilih sebuah isian untuk mengubah propertinya.',
  Form: 'Formulir',
  General: 'Umum',
  Condition: 'Syarat tampil',
  Validation: 'Validasi',
  Appearance: 'Tampilan',
  Serialization: 'Serialisasi',
  Constraints: 'Batasan',
  Layout: 'Tata letak',
  'Custom properties': 'Properti tambahan',
  'Options source': 'Sumber pilihan',
  'Static options': 'Pilihan tetap',
  'Field label': 'Label isian',
  'Group label': 'Label grup',
  'Date label': 'Label tanggal',
  'Time label': 'Label waktu',
  'Field description': 'Keterangan isian',
  Key: 'Kunci (nama variabel)',
  'Default value': 'Nilai bawaan',
  Required: 'Wajib diisi',
  'Read only': 'Hanya baca',
  Disabled: 'Nonaktif',
  'Minimum length': 'Panjang minimum',
  'Maximum length': 'Panjang maksimum',
  Minimum: 'Minimum',
  Maximum: 'Maksimum',
  'Validation pattern': 'Pola validasi',
  'Custom regular expression': 'Ekspresi reguler',
  'Custom error message': 'Pesan galat',
  'Decimal digits': 'Digit desimal',
  Increment: 'Kelipatan',
  Subtype: 'Jenis',
  'Use 24h': 'Format 24 jam',
  'Disallow past dates': 'Tolak tanggal lampau',
  Label: 'Label',
  Value: 'Nilai',
  Text: 'Teks',
  Prefix: 'Awalan',
  Suffix: 'Akhiran',
  Height: 'Tinggi',
  'Version tag': 'Label versi',
  'Create new list item': 'Tambah butir',
  'Delete item': 'Hapus butir',
  'Toggle section': 'Buka/tutup bagian',
  'Binds to a form variable': 'Nama variabel kasus yang diisi',
  'Condition under which the field is hidden': 'Syarat isian disembunyikan (server tidak menilainya)',
  'Condition under which the field is deactivated': 'Syarat isian dinonaktifkan',
  'Allows arbitrary precision values': 'Menerima angka dengan presisi bebas',
  'Height of the container in pixels.': 'Tinggi wadah dalam piksel.',
  'Where the child variables of this component are pathed to.': 'Jalur variabel di dalam komponen ini (server menolak grup berjalur).',
  Date: 'Tanggal',
  Time: 'Waktu',
  'Date & Time': 'Tanggal & waktu',
  'UTC offset': 'Dengan selisih UTC',
  'UTC normalized': 'Diubah ke UTC',
  'No timezone': 'Tanpa zona waktu',
  Static: 'Tetap',
  'Input data': 'Data masukan',
  Expression: 'Ekspresi',
  '<empty>': '<kosong>',
  '<none>': '<tidak ada>',
};

/** translate(template, replacements) in the bpmn-io convention: the Indonesian of a known text, `{name}` filled. */
export function translateFormEditor(template: string, replacements: Record<string, string> = {}): string {
  return (FORM_EDITOR_TEXTS[template] ?? template).replace(/{([^}]+)}/g, (whole, key: string) => replacements[key] ?? whole);
}

/** The form-js field registry (form-js-viewer's FormFields); `_formFields` is the map the palette lists. */
interface FormFieldsRegistry {
  _formFields: Record<string, unknown>;
}

/** The types the palette keeps: those the server accepts, and `default` (the form itself, never offered). */
const KEPT = new Set(['default', ...FORM_JS_ACCEPTED_TYPES]);

/**
 * Drops from the editor's field registry every type the server refuses, before the palette first lists it (the editor
 * renders on `form.init`, after modules are initialised). form-js 1.23 has no palette option; its Palette lists
 * `formFields._formFields`. A schema holding a dropped type cannot be imported, and none can exist: POST /forms
 * refuses it.
 */
function AcceptedFormFields(formFields: FormFieldsRegistry): void {
  for (const type of Object.keys(formFields._formFields)) if (!KEPT.has(type)) delete formFields._formFields[type];
}
AcceptedFormFields.$inject = ['formFields'];

/** The form-js editor module: the accepted palette, and `translate` for form-js releases that ask for it. */
export const FormEditorIdModule = {
  __init__: ['acceptedFormFields'],
  acceptedFormFields: ['type', AcceptedFormFields],
  translate: ['value', translateFormEditor],
};
