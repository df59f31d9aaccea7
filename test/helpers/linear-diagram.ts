// A SOP of user tasks in a row, in one lane, with a sop:document whose dates the test chooses: for the lifecycle and
// migration tests, where versions differ by an effective date, a renamed or removed task, or a time standard.

export interface LinearTask {
  id: string;
  name?: string;
  /** ISO 8601 duration of the step's time standard; none: no standard. */
  iso?: string;
  /** Form fields (strings, not required) the step records. */
  fields?: string[];
}

export interface LinearParts {
  key?: string;
  role?: string;
  effective?: string;
  revised?: string;
  tasks: LinearTask[];
  /** An exclusive gateway after task `after` whose one flow reads `${variable == 'ya'}` (the other is the default). */
  decision?: { after: string; variable: string };
}

const NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="urn:sop-bpmn:1.0"';

function taskXml(t: LinearTask, no: number): string {
  const waktu = t.iso ? ` waktu="${t.iso}" duration="${t.iso}"` : '';
  const form = t.fields?.length ? `<sop:form>${t.fields.map((f) => `<sop:field name="${f}" type="string" label="${f}"/>`).join('')}</sop:form>` : '';
  return `<bpmn:userTask id="${t.id}" name="${t.name ?? `Langkah ${t.id}`}"><bpmn:extensionElements><sop:mutuBaku step="${no}"${waktu}/>${form}</bpmn:extensionElements></bpmn:userTask>`;
}

/** The XML of the SOP: start → tasks in order (→ the decision) → end. */
export function linearDiagram(parts: LinearParts): string {
  const { key = 'uji-daur', role = 'uji/staf', effective = '2026-01-01', revised, tasks, decision } = parts;
  const ids = ['s', ...tasks.map((t) => t.id)];
  const flows: string[] = [];
  const extra: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const from = ids[i] as string;
    const to = ids[i + 1] ?? 'e';
    if (decision && from === decision.after) {
      extra.push(`<bpmn:exclusiveGateway id="g" default="g-no"/>`);
      flows.push(`<bpmn:sequenceFlow id="f-${from}" sourceRef="${from}" targetRef="g"/>`);
      flows.push(`<bpmn:sequenceFlow id="g-yes" sourceRef="g" targetRef="${to}"><bpmn:conditionExpression>\${${decision.variable} == 'ya'}</bpmn:conditionExpression></bpmn:sequenceFlow>`);
      flows.push(`<bpmn:sequenceFlow id="g-no" sourceRef="g" targetRef="${to}"/>`);
    } else flows.push(`<bpmn:sequenceFlow id="f-${from}" sourceRef="${from}" targetRef="${to}"/>`);
  }
  const refs = ids.map((id) => `<bpmn:flowNodeRef>${id}</bpmn:flowNodeRef>`).join('');
  return `<?xml version="1.0"?>
<bpmn:definitions ${NS} id="defs" targetNamespace="x"><bpmn:process id="${key}" name="Uji daur hidup" isExecutable="true">
<bpmn:extensionElements><sop:document organisation="Unit Uji" number="1/UJI" calendar="wib" created="2025-01-02"${revised ? ` revised="${revised}"` : ''} effective="${effective}"/></bpmn:extensionElements>
<bpmn:laneSet id="ls"><bpmn:lane id="l" name="Staf"><bpmn:extensionElements><sop:actor role="${role}"/></bpmn:extensionElements>${refs}</bpmn:lane></bpmn:laneSet>
<bpmn:startEvent id="s"/>${tasks.map((t, i) => taskXml(t, i + 1)).join('')}${extra.join('')}<bpmn:endEvent id="e"/>
${flows.join('\n')}
</bpmn:process></bpmn:definitions>`;
}
