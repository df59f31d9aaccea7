// The SOP sheet of a definition version: identity block, actors and one step per sheet row, in sheet order.
import type { SopMetadata, SopStep } from './sop-metadata.js';

/** A date of the sheet's identity block: as the diagram carries it, and as the sheet prints it in Indonesian. */
export interface SheetDate {
  /** `YYYY-MM-DD`, or whatever text the diagram gives (a sheet may print only a year). */
  value: string;
  /** `25 Agustus 2025` for a full date; the value itself otherwise. */
  text: string;
}

const MONTHS = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];

/** A sheet date as printed: `2025-08-25` → `25 Agustus 2025`; other text stays as it is; null stays null. */
export function sheetDate(value: string | null): SheetDate | null {
  if (value === null) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const month = m ? MONTHS[Number(m[2]) - 1] : undefined;
  return { value, text: m && month ? `${Number(m[3])} ${month} ${m[1]}` : value };
}

export interface SopSheet {
  key: string;
  version: number;
  title: string;
  organisation: string | null;
  number: string | null;
  timeZone: string;
  identity: SopMetadata['identity'];
  /** Tanggal Pembuatan, Revisi and Efektif (sop:document created, revised, effective); null where the sheet has none. */
  dates: { created: SheetDate | null; revised: SheetDate | null; effective: SheetDate | null };
  roles: Array<{ id: string; name: string }>;
  steps: Array<{
    no: string;
    elementId: string;
    activity: string;
    actor: { role: string | null; name: string | null };
    requires: string[];
    timeStandard: SopStep['timeStandard'];
    output: string[];
    note: string | null;
    confidential: boolean;
    /** Where the flowchart column shows a decision after this row. */
    decision: boolean;
  }>;
}

export function buildSopSheet(key: string, version: number, metadata: SopMetadata): SopSheet {
  return {
    key,
    version,
    title: metadata.name,
    organisation: metadata.identity.organisation,
    number: metadata.identity.number,
    timeZone: metadata.timeZone,
    identity: metadata.identity,
    dates: { created: sheetDate(metadata.identity.created), revised: sheetDate(metadata.identity.revised), effective: sheetDate(metadata.identity.effective) },
    roles: metadata.roles.map((r) => ({ id: r.id, name: r.name })),
    steps: metadata.steps.map((s) => ({
      no: s.no,
      elementId: s.elementId,
      activity: s.activity,
      actor: { role: s.role, name: s.roleName },
      requires: s.requires,
      timeStandard: s.timeStandard,
      output: s.output,
      note: s.note,
      confidential: s.confidential,
      decision: s.decision === true,
    })),
  };
}
