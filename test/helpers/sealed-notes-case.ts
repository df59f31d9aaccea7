// Runs a BKD NTB counselling case through the API to its confidential step (write-notes), whose output is sealed.
import type { Test } from 'tap';
import { ADMIN_TOKEN, type TestApp } from './app.js';

export const NTB = 'bkd-ntb-konseling-psikologi';

/**
 * Starts a case as the ASN and completes each step by its role's token until write-notes is done, recording
 * "Laporan tersegel" as its output; returns the case's id and that task's id. Each completion is asserted 200 on `t`.
 */
export async function caseWithSealedNotes(t: Test, app: Pick<TestApp, 'call'>, tokens: { asn: string; uppk: string; konselor: string }): Promise<{ instanceId: string; notesTask: string }> {
  const byRole: Record<string, string> = { 'bkd-ntb/asn': tokens.asn, 'bkd-ntb/admin-uppk': tokens.uppk, 'bkd-ntb/konselor': tokens.konselor };
  const values: Record<string, Record<string, unknown>> = {
    'fill-registration': { bentukDiinginkan: 'luring', unitKerja: 'BKD', permasalahan: 'beban kerja' },
    'verify-and-schedule': { modus: 'luring', jadwalSesi: '2026-03-03T09:00:00+08:00' },
    'write-notes': { catatanRingkas: 'Konseli merasa lebih tenang setelah sesi.' },
  };
  const instance = (await app.call('POST', `/definitions/${NTB}/instances`, tokens.asn, {})).json();
  let notesTask = '';
  for (let i = 0; i < 5 && !notesTask; i++) {
    const [task] = (await app.call('GET', `/tasks?instanceId=${instance.id}`, ADMIN_TOKEN)).json().items;
    const output = task.output.map((name: string) => (task.elementId === 'write-notes' ? { name, value: 'Laporan tersegel' } : { name }));
    const res = await app.call('POST', `/tasks/${task.id}/complete`, byRole[task.role], { documents: task.requires.map((name: string) => ({ name })), output, variables: values[task.elementId] ?? {} });
    t.equal(res.statusCode, 200, `${task.elementId} completed`);
    if (task.elementId === 'write-notes') notesTask = task.id;
  }
  return { instanceId: instance.id as string, notesTask };
}
