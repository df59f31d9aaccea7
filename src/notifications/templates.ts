// The Indonesian texts of notifications: fixed templates whose `{name}` placeholders are replaced by values, nothing
// else (no expressions, no code), and the formatting of the values they take.
import { DateTime } from 'luxon';
import type { NotificationKind } from './preferences.js';

/** The values a template may name; every one is plain text by the time it is substituted. */
export interface TemplateValues {
  recipientName: string;
  sopName: string;
  sopKey: string;
  version: string;
  organisation: string;
  step: string;
  activity: string;
  roleName: string;
  dueAt: string;
  link: string;
  businessKey: string;
  outcome: string;
  elementName: string;
}

interface Template {
  subject: string;
  body: string;
}

const SIGNATURE = '\n\n--\nPesan ini dikirim otomatis oleh layanan SOP BPMN; balasan ke alamat ini tidak dibaca.\n';

/** One template per kind, in the words the SOP sheets use (Langkah, Kegiatan, Pelaksana). */
export const TEMPLATES: Readonly<Record<NotificationKind, Template>> = {
  'task.created': {
    subject: 'Tugas baru: {activity} ({sopName})',
    body:
      'Yth. {recipientName},\n\nAda tugas baru untuk Anda pada SOP {sopName} ({organisation}).\n\n' +
      'Langkah: {step}\nKegiatan: {activity}\nPelaksana: {roleName}\nNomor berkas: {businessKey}\nBatas waktu: {dueAt}\n\n' +
      'Buka tugas: {link}' + SIGNATURE,
  },
  'task.assigned': {
    subject: 'Tugas diserahkan kepada Anda: {activity} ({sopName})',
    body:
      'Yth. {recipientName},\n\nSebuah tugas pada SOP {sopName} ({organisation}) diserahkan kepada Anda.\n\n' +
      'Langkah: {step}\nKegiatan: {activity}\nPelaksana: {roleName}\nNomor berkas: {businessKey}\nBatas waktu: {dueAt}\n\n' +
      'Buka tugas: {link}' + SIGNATURE,
  },
  'task.overdue': {
    subject: 'Terlambat: {activity} ({sopName})',
    body:
      'Yth. {recipientName},\n\nTugas berikut pada SOP {sopName} ({organisation}) telah melewati batas waktu mutu baku.\n\n' +
      'Langkah: {step}\nKegiatan: {activity}\nPelaksana: {roleName}\nNomor berkas: {businessKey}\nBatas waktu: {dueAt}\n\n' +
      'Buka tugas: {link}' + SIGNATURE,
  },
  'case.ended': {
    subject: 'Permohonan Anda {outcome}: {sopName}',
    body:
      'Yth. {recipientName},\n\nPermohonan yang Anda ajukan pada SOP {sopName} ({organisation}) telah {outcome}.\n\n' +
      'Nomor berkas: {businessKey}\n\nLihat daftar tugas: {link}' + SIGNATURE,
  },
  escalation: {
    subject: 'Eskalasi: {elementName} ({sopName})',
    body:
      'Yth. {recipientName},\n\nSebuah kasus pada SOP {sopName} ({organisation}) mengeskalasi: {elementName}.\n\n' +
      'Nomor berkas: {businessKey}\n\nLihat daftar tugas: {link}' + SIGNATURE,
  },
};

/** `template` with each `{name}` of `values` replaced; a placeholder naming no value is left as written. */
export function fill(template: string, values: TemplateValues): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? values[name as keyof TemplateValues] : whole));
}

/** The subject (one line) and body of a kind's message. */
export function render(kind: NotificationKind, values: TemplateValues): { subject: string; body: string } {
  const t = TEMPLATES[kind];
  return { subject: fill(t.subject, values).replace(/[\r\n]+/g, ' '), body: fill(t.body, values) };
}

/** The abbreviations Indonesians write after a time, by IANA zone (Permendagri-era WIB/WITA/WIT). */
const ZONE_NAMES: Readonly<Record<string, string>> = { 'Asia/Jakarta': 'WIB', 'Asia/Pontianak': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' };

/**
 * An instant as Indonesians read it in the SOP's zone: "Selasa, 3 Maret 2026 pukul 10.30 WIB"; a zone without an
 * Indonesian name keeps its offset ("UTC+9"). Null: "tanpa batas waktu".
 */
export function formatDue(iso: string | null, zone: string): string {
  if (iso === null) return 'tanpa batas waktu';
  const at = DateTime.fromISO(iso, { zone }).setLocale('id');
  const name = ZONE_NAMES[zone] ?? at.toFormat("'UTC'Z");
  return `${at.toFormat('cccc, d LLLL yyyy')} pukul ${at.toFormat('HH.mm')} ${name}`;
}
