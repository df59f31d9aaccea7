// The form-js component types this service takes in a Camunda form (POST /forms, zeebe:userTaskForm), in one place:
// the server's reading (form-js.ts) refuses every other type, and the modeler's form editor offers only these in its
// palette (web/src/form-editor-id.ts imports this module), so the two cannot drift apart.

/** Input components whose value becomes a task field (textfield, textarea → string; datetime → date/time/datetime). */
export const FORM_JS_INPUT_TYPES = ['textfield', 'textarea', 'number', 'checkbox', 'select', 'radio', 'datetime'] as const;

/** Components that only show something and carry no value. */
export const FORM_JS_DISPLAY_TYPES = ['text', 'html', 'image', 'spacer', 'separator', 'button', 'iframe', 'table', 'documentPreview'] as const;

/** Containers the server flattens (a group without a `path`). */
export const FORM_JS_CONTAINER_TYPES = ['group'] as const;

/**
 * Every component type a deployed form may hold. Refused, among form-js 1.x's: checklist, taglist, filepicker,
 * dynamiclist, expression (their values are lists, files or computed, which the server cannot validate as a field).
 */
export const FORM_JS_ACCEPTED_TYPES: readonly string[] = [...FORM_JS_INPUT_TYPES, ...FORM_JS_DISPLAY_TYPES, ...FORM_JS_CONTAINER_TYPES];
