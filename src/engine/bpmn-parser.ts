// Parses BPMN XML with bpmn-moddle, the `sop` extension and Camunda 7 and 8's descriptors, refusing DOCTYPEs before
// the parser sees them.
import { BpmnModdle, type ModdleElement, type ParseResult } from 'bpmn-moddle';
import camundaDescriptor from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import zeebeDescriptor from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import sopDescriptor from '../sop/sop-moddle.json' with { type: 'json' };
import { InvalidBpmnError, type ElementProblem } from '../errors.js';
import { zeebeBesideCamunda } from './zeebe-descriptor.js';

export type { ModdleElement, ParseResult };

export interface ParsedDiagram {
  definitions: ModdleElement;
  elementsById: Record<string, ModdleElement>;
  warnings: string[];
  /**
   * What the parser found but tolerated and the engine cannot: a reference to an id that does not exist (a flow to
   * nowhere never arrives) and an id used twice (the engine runs only one of them). Diagram interchange is exempt.
   */
  referenceProblems: ElementProblem[];
  /** The moddle context bpmn-engine serializes. */
  moddleContext: ParseResult;
}

/** Limits that keep a hostile document from costing unbounded time or stack; real SOP diagrams are far below. */
export const XML_LIMITS = { maxDepth: 100, maxElements: 30_000 };

/**
 * Counts elements and nesting depth with a flat scan before any parser recurses into the document.
 * Comments, CDATA and processing instructions are skipped; an unbalanced document is left to the parser.
 */
export function scanXml(xml: string): { maxDepth: number; elements: number } {
  const tag = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<(\/?)[A-Za-z_][^\s/>]*(?:[^>"']|"[^"]*"|'[^']*')*?(\/?)>/g;
  let depth = 0;
  let maxDepth = 0;
  let elements = 0;
  for (const m of xml.matchAll(tag)) {
    if (m[1] === undefined && m[2] === undefined) continue;
    if (m[1] === '/') {
      depth--;
      continue;
    }
    elements++;
    if (m[2] !== '/') {
      depth++;
      if (depth > maxDepth) maxDepth = depth;
    }
  }
  return { maxDepth, elements };
}

/**
 * The moddle packages every parse uses (bpmn-engine's `moddleOptions` shape): the `sop` extension, Camunda 7's
 * `camunda:` and Camunda 8's `zeebe:` vocabularies, so that a diagram from Camunda Modeler is read as typed elements
 * and attributes (camunda-attributes.ts reads them).
 */
export const moddleOptions: Readonly<Record<string, unknown>> = { sop: sopDescriptor, camunda: camundaDescriptor, zeebe: zeebeBesideCamunda(zeebeDescriptor) };

/** A fresh moddle per parse: moddle instances cache ids and are not meant to be shared. */
function createModdle(): BpmnModdle {
  return new BpmnModdle({ ...moddleOptions });
}

/** Parses a diagram; malformed or hostile XML is refused with InvalidBpmnError. */
export async function parseBpmn(xml: string): Promise<ParsedDiagram> {
  // Entities are how XXE and billion-laughs work; a BPMN file never needs a DOCTYPE.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new InvalidBpmnError([{ elementId: 'definitions', message: 'DOCTYPE and entity declarations are not allowed' }]);
  }
  const { maxDepth, elements } = scanXml(xml);
  if (maxDepth > XML_LIMITS.maxDepth) {
    throw new InvalidBpmnError([{ elementId: 'definitions', message: `elements nest ${maxDepth} deep; at most ${XML_LIMITS.maxDepth} levels are accepted` }]);
  }
  if (elements > XML_LIMITS.maxElements) {
    throw new InvalidBpmnError([{ elementId: 'definitions', message: `the document has ${elements} elements; at most ${XML_LIMITS.maxElements} are accepted` }]);
  }
  let result: ParseResult;
  try {
    result = await createModdle().fromXML(xml);
  } catch (err) {
    throw new InvalidBpmnError([{ elementId: 'definitions', message: `not a BPMN 2.0 document: ${(err as Error).message.split('\n')[0]}` }]);
  }
  if (result.rootElement?.$type !== 'bpmn:Definitions') {
    throw new InvalidBpmnError([{ elementId: 'definitions', message: 'the root element must be bpmn:definitions' }]);
  }
  return {
    definitions: result.rootElement,
    elementsById: result.elementsById,
    warnings: result.warnings.map((w) => w.message),
    referenceProblems: referenceProblems(result.warnings),
    moddleContext: result,
  };
}

/** The parser's warnings that would leave a case stuck: unresolved references outside the DI, duplicate ids. */
function referenceProblems(warnings: ParseResult['warnings']): ElementProblem[] {
  const problems: ElementProblem[] = [];
  for (const w of warnings as Array<{ message: string; property?: string; value?: unknown; element?: ModdleElement }>) {
    const duplicate = /duplicate ID <([^>]*)>/.exec(w.message);
    if (duplicate) problems.push({ elementId: duplicate[1] as string, message: 'this id is used by more than one element' });
    const unresolved = /^unresolved reference <([^>]*)>/.exec(w.message);
    if (unresolved && !String(w.element?.$type ?? '').startsWith('bpmndi:')) {
      problems.push({ elementId: String(w.element?.id ?? 'definitions'), message: `${w.property ?? 'a reference'} names '${unresolved[1]}', which no element of the diagram has` });
    }
  }
  return problems;
}
