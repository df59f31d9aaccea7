// The SOP sheet of a definition version: identity block, actors and one step per sheet row, in sheet order.
import type { SopMetadata, SopStep } from './sop-metadata.js';

export interface SopSheet {
  key: string;
  version: number;
  title: string;
  organisation: string | null;
  number: string | null;
  timeZone: string;
  identity: SopMetadata['identity'];
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
