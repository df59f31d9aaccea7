// A diagram with one user task in one lane, each part replaceable: for tests of what deploy accepts.

export interface OneTaskParts {
  key?: string;
  processName?: string;
  taskId?: string;
  taskName?: string;
  step?: string;
  role?: string;
  requires?: string;
  field?: string;
  /** The form field's type (default string). */
  fieldType?: string;
  /** Marks the step confidential (sop:mutuBaku confidential="true"). */
  confidential?: boolean;
}

const NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="urn:sop-bpmn:1.0"';

/** The XML, with each part inserted as it is (character references included); defaults deploy and start. */
export function oneTaskDiagram(parts: OneTaskParts = {}): string {
  const { key = 'uji-satu', processName = 'Uji satu', taskId = 'u', taskName = 'Menerima', step = '1', role = 'uji/staf', requires, field, fieldType = 'string', confidential = false } = parts;
  const form = field ? `<sop:form><sop:field name="${field}" type="${fieldType}" label="Isian"/></sop:form>` : '';
  return `<?xml version="1.0"?>
<bpmn:definitions ${NS} id="d" targetNamespace="x"><bpmn:process id="${key}" name="${processName}" isExecutable="true">
<bpmn:laneSet id="ls"><bpmn:lane id="l"><bpmn:extensionElements><sop:actor role="${role}"/></bpmn:extensionElements>
<bpmn:flowNodeRef>s</bpmn:flowNodeRef><bpmn:flowNodeRef>${taskId}</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="${taskId}"/>
<bpmn:userTask id="${taskId}" name="${taskName}"><bpmn:extensionElements><sop:mutuBaku step="${step}"${confidential ? ' confidential="true"' : ''}>${requires ? `<sop:requires>${requires}</sop:requires>` : ''}</sop:mutuBaku>${form}</bpmn:extensionElements></bpmn:userTask>
<bpmn:sequenceFlow id="f2" sourceRef="${taskId}" targetRef="e"/><bpmn:endEvent id="e"/></bpmn:process></bpmn:definitions>`;
}
