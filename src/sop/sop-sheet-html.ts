// Renders an SOP sheet as the printable SOP-AP page: identity block, then No / Kegiatan / one column per
// Pelaksana with the step's flowchart mark / Mutu Baku (Kelengkapan, Waktu, Output) / Keterangan.
import { createHash } from 'node:crypto';
import type { SopSheet } from './sop-sheet.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (s: string | null | undefined): string => String(s ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
const list = (items: string[]): string => (items.length === 0 ? '' : items.length === 1 ? esc(items[0]) : `<ol>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ol>`);

const STYLE = `
  body { font-family: Arial, Helvetica, sans-serif; font-size: 11px; margin: 16px; color: #000; }
  h1 { font-size: 15px; text-align: center; margin: 4px 0 12px; }
  table { border-collapse: collapse; width: 100%; page-break-inside: auto; }
  th, td { border: 1px solid #000; padding: 4px 5px; vertical-align: top; }
  th { background: #e8e8e8; text-align: center; }
  .identity td:first-child { width: 22%; font-weight: bold; }
  .identity { margin-bottom: 14px; }
  td.no { text-align: center; width: 28px; }
  td.actor { text-align: center; vertical-align: middle; width: 62px; }
  .mark { display: inline-block; width: 34px; height: 20px; border: 1.5px solid #000; background: #fff; }
  .mark.terminal { border-radius: 10px; }
  .mark.decision { width: 20px; height: 20px; transform: rotate(45deg); }
  .confidential { font-style: italic; }
  ol { margin: 0; padding-left: 16px; }
  @media print { body { margin: 0; } @page { size: A4 landscape; margin: 10mm; } }
`;

/** The sheet's policy: nothing but its own style block (by hash), no script, no frame, no form, no base rewriting. */
export const SOP_SHEET_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "img-src data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function identityRows(sheet: SopSheet): string {
  const id = sheet.identity;
  const rows: Array<[string, string]> = [
    ['Organisasi', esc(id.organisation)],
    ['Unit', esc(id.unit)],
    ['Nomor SOP', esc(id.number)],
    ['Tanggal Pembuatan', esc(sheet.dates.created?.text)],
    ['Tanggal Revisi', esc(sheet.dates.revised?.text)],
    ['Tanggal Efektif', esc(sheet.dates.effective?.text)],
    ['Disahkan Oleh', [id.approverTitle, id.approvedBy, id.approverId ? `NIP. ${id.approverId}` : null].filter(Boolean).map((x) => esc(x)).join('<br>')],
    ['Nama SOP', esc(sheet.title)],
    ['Dasar Hukum', list(id.legalBasis)],
    ['Kualifikasi Pelaksana', list(id.qualifications)],
    ['Keterkaitan', list(id.related)],
    ['Peralatan/Perlengkapan', list(id.equipment)],
    ['Peringatan', list(id.warnings)],
    ['Pencatatan dan Pendataan', list(id.records)],
    ['Zona waktu', esc(sheet.timeZone)],
  ];
  return rows.map(([k, v]) => `<tr><td>${k}</td><td>${v}</td></tr>`).join('');
}

export function renderSopSheetHtml(sheet: SopSheet): string {
  const actors = sheet.roles;
  const last = sheet.steps.length - 1;
  const body = sheet.steps
    .map((s, i) => {
      const kind = s.decision ? 'decision' : i === 0 || i === last ? 'terminal' : 'process';
      const cells = actors.map((a) => `<td class="actor">${a.id === s.actor.role ? `<span class="mark ${kind}" title="${esc(a.name)}"></span>` : ''}</td>`).join('');
      const waktu = s.timeStandard ? esc(s.timeStandard.text) : '';
      const note = [s.note, s.confidential ? 'Rahasia: isi hanya dapat dibaca pencatatnya' : null].filter(Boolean).map((x) => esc(x)).join('<br>');
      return `<tr data-element-id="${esc(s.elementId)}"><td class="no">${esc(s.no)}</td><td${s.confidential ? ' class="confidential"' : ''}>${esc(s.activity)}</td>${cells}<td>${list(s.requires)}</td><td>${waktu}</td><td>${list(s.output)}</td><td>${note}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>SOP ${esc(sheet.identity.number ?? sheet.key)} — ${esc(sheet.title)}</title><style>${STYLE}</style></head>
<body>
<h1>STANDAR OPERASIONAL PROSEDUR<br>${esc(sheet.title)}</h1>
<table class="identity">${identityRows(sheet)}</table>
<table class="steps">
<thead>
<tr><th rowspan="2">No</th><th rowspan="2">Kegiatan</th><th colspan="${actors.length}">Pelaksana</th><th colspan="3">Mutu Baku</th><th rowspan="2">Ket</th></tr>
<tr>${actors.map((a) => `<th>${esc(a.name)}</th>`).join('')}<th>Kelengkapan</th><th>Waktu</th><th>Output</th></tr>
</thead>
<tbody>
${body}
</tbody>
</table>
<p>Versi ${sheet.version} · ${esc(sheet.key)}</p>
</body></html>`;
}
