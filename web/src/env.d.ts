// Side-effect CSS imports: esbuild bundles them into app.css.
declare module '*.css';

// The bpmn.io packages below ship JavaScript without type declarations; the page uses the parts typed here.
declare module 'bpmn-js-properties-panel' {
  /** A bpmn-js module (didi): services by name, registered into the modeler's injector. */
  type Module = Record<string, unknown>;
  export const BpmnPropertiesPanelModule: Module;
  export const BpmnPropertiesProviderModule: Module;
  export const CamundaPlatformPropertiesProviderModule: Module;
  /** A service of the modeler the panel belongs to (inside an entry component). */
  export function useService<T = unknown>(name: string): T;
}

declare module '@bpmn-io/properties-panel' {
  type Component = (props: Record<string, unknown>) => unknown;
  export const TextFieldEntry: Component;
  export const TextAreaEntry: Component;
  export const CheckboxEntry: Component;
  export const SelectEntry: Component;
  export const isTextFieldEntryEdited: (node: unknown) => boolean;
  export const isTextAreaEntryEdited: (node: unknown) => boolean;
  export const isCheckboxEntryEdited: (node: unknown) => boolean;
  export const isSelectEntryEdited: (node: unknown) => boolean;
}

declare module '@bpmn-io/properties-panel/preact' {
  export function h(type: unknown, props: Record<string, unknown> | null, ...children: unknown[]): unknown;
}

declare module 'camunda-bpmn-js-behaviors/lib/camunda-platform' {
  const module: Record<string, unknown>;
  export default module;
}
