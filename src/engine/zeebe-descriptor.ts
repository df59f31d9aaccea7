// Camunda 8's moddle descriptor made loadable beside Camunda 7's, for the server's parser and the web modeler alike
// (web/src/modeler.ts imports this module), so both read a zeebe: element the same way.

/** A moddle package descriptor as far as this module reads it. */
interface Descriptor {
  types: ReadonlyArray<{ name: string }>;
}

/**
 * Camunda 8's descriptor without `zeebe:TemplateSupported`: it defines `modelerTemplate` on the same elements as
 * Camunda 7's `camunda:TemplateSupported`, and moddle refuses two packages defining one property name ("property
 * <modelerTemplate> already defined"; bpmn-io's modelers load one flavour at a time). A `zeebe:modelerTemplate`
 * attribute then stays an unknown attribute ($attrs), which moddle writes back as read.
 */
export function zeebeBesideCamunda<T extends Descriptor>(zeebe: T): T {
  return { ...zeebe, types: zeebe.types.filter((t) => t.name !== 'TemplateSupported') };
}
