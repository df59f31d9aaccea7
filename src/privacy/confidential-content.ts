// What is recorded at a step marked confidential (catatan konseling, hasil pemeriksaan): its text fields and
// output values are content, sealed for the one who recorded them; its choices (enum, boolean, number,
// datetime fields) steer the process and stay with the instance, where the path taken shows them anyway.
import type { OutputRecord } from '../audit/audit-chain.js';
import type { SopStep } from '../sop/sop-metadata.js';
import type { ContentCipher } from './content-cipher.js';

export interface ConfidentialContent {
  variables: Record<string, string>;
  output: Array<{ name: string; value: string }>;
}

export interface RecordedStep {
  /** The form values the engine, the instance and the task row may hold. */
  routing: Record<string, unknown>;
  /** Output items as stored in clear: names and references, values only outside confidential steps. */
  output: OutputRecord[];
  /** What must be sealed, or null when the step recorded no content. */
  content: ConfidentialContent | null;
}

export function splitRecorded(step: SopStep | undefined, values: Record<string, unknown>, output: Array<{ name: string; ref?: string | undefined; value?: string | undefined }>): RecordedStep {
  const clear = (o: (typeof output)[number], withValue: boolean): OutputRecord => ({
    name: o.name,
    ...(o.ref === undefined ? {} : { ref: o.ref }),
    ...(withValue && o.value !== undefined ? { value: o.value } : {}),
  });
  if (step?.confidential !== true) return { routing: values, output: output.map((o) => clear(o, true)), content: null };
  const routing: Record<string, unknown> = {};
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    const field = step.form.find((f) => f.name === name);
    if (field?.type === 'string' && typeof value === 'string') text[name] = value;
    else routing[name] = value;
  }
  const outputValues = output.filter((o) => o.value !== undefined).map((o) => ({ name: o.name, value: o.value as string }));
  const content = Object.keys(text).length > 0 || outputValues.length > 0 ? { variables: text, output: outputValues } : null;
  return { routing, output: output.map((o) => clear(o, false)), content };
}

/** The context a task's sealed content is bound to. */
export const taskContext = (taskId: string) => `task:${taskId}`;
/** The context a sealed attachment is bound to. */
export const attachmentContext = (attachmentId: string) => `attachment:${attachmentId}`;

export function sealContent(cipher: ContentCipher, taskId: string, content: ConfidentialContent): Buffer {
  return cipher.seal(Buffer.from(JSON.stringify(content), 'utf8'), taskContext(taskId));
}

export function openContent(cipher: ContentCipher, taskId: string, sealed: Buffer): ConfidentialContent {
  return JSON.parse(cipher.open(sealed, taskContext(taskId)).toString('utf8')) as ConfidentialContent;
}
