// Parses BPMN XML with bpmn-moddle and the `sop` extension, refusing DOCTYPEs before the parser sees them.
import { BpmnModdle, type ModdleElement, type ParseResult } from 'bpmn-moddle';
import sopDescriptor from '../sop/sop-moddle.json' with { type: 'json' };
import { InvalidBpmnError } from '../errors.js';

export type { ModdleElement, ParseResult };

export interface ParsedDiagram {
  definitions: ModdleElement;
  elementsById: Record<string, ModdleElement>;
  warnings: string[];
  /** The moddle context bpmn-engine serializes. */
  moddleContext: ParseResult;
}

/** A fresh moddle per parse: moddle instances cache ids and are not meant to be shared. */
function createModdle(): BpmnModdle {
  return new BpmnModdle({ sop: sopDescriptor });
}

/** Parses a diagram; malformed or hostile XML is refused with InvalidBpmnError. */
export async function parseBpmn(xml: string): Promise<ParsedDiagram> {
  // Entities are how XXE and billion-laughs work; a BPMN file never needs a DOCTYPE.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new InvalidBpmnError([{ elementId: 'definitions', message: 'DOCTYPE and entity declarations are not allowed' }]);
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
    moddleContext: result,
  };
}
