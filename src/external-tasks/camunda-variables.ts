// Camunda 7's typed variable JSON (`{"value": …, "type": "String", "valueInfo": {}}`, REST reference "Variables in
// the REST API") to and from the plain JSON values cases hold. Only value types with a JSON meaning are taken: a
// File, Bytes or serialized Java object is refused, since the service keeps no binary or Java variables.
import { ValidationError } from '../errors.js';

/** One variable as Camunda's REST API writes it. */
export interface TypedValue {
  value?: unknown;
  type?: string | null | undefined;
  valueInfo?: Record<string, unknown> | null | undefined;
}

/** A case variable as a Camunda worker reads it: String, Boolean, Integer/Long/Double, Null, or Json for lists and objects. */
export function toTyped(value: unknown): { value: unknown; type: string; valueInfo: Record<string, unknown> } {
  if (value === null || value === undefined) return { value: null, type: 'Null', valueInfo: {} };
  if (typeof value === 'string') return { value, type: 'String', valueInfo: {} };
  if (typeof value === 'boolean') return { value, type: 'Boolean', valueInfo: {} };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return { value, type: 'Double', valueInfo: {} };
    return { value, type: Math.abs(value) <= 2 ** 31 - 1 ? 'Integer' : 'Long', valueInfo: {} };
  }
  return { value: JSON.stringify(value), type: 'Json', valueInfo: {} };
}

/** The case's variables as typed values, only `names` when given (Camunda's `variables` of a topic). */
export function typedVariables(variables: Record<string, unknown>, names?: readonly string[] | null): Record<string, ReturnType<typeof toTyped>> {
  const out: Record<string, ReturnType<typeof toTyped>> = {};
  for (const name of names ?? Object.keys(variables)) if (Object.hasOwn(variables, name)) out[name] = toTyped(variables[name]);
  return out;
}

const NUMBER_TYPES = new Set(['integer', 'long', 'short', 'double']);

/** One typed value as a plain value; throws ValidationError naming `field` when its type is not one taken here. */
export function fromTyped(field: string, typed: TypedValue): unknown {
  const type = (typed.type ?? '').toLowerCase();
  const { value } = typed;
  const bad = (message: string): never => {
    throw new ValidationError(`${field}: ${message}`, [{ name: field, message }]);
  };
  if (value === null || value === undefined || type === 'null') return null;
  if (type === '' ) return value;
  if (type === 'string' || type === 'date') return typeof value === 'string' ? value : bad(`a ${typed.type} needs a string value`);
  if (type === 'boolean') return typeof value === 'boolean' ? value : bad('a Boolean needs true or false');
  if (NUMBER_TYPES.has(type)) return typeof value === 'number' && Number.isFinite(value) ? value : bad(`a ${typed.type} needs a number`);
  const json = type === 'json' || (type === 'object' && String(typed.valueInfo?.serializationDataFormat ?? '').startsWith('application/json'));
  if (json) {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return bad('the value is not JSON');
    }
  }
  return bad(`variables of type ${typed.type} are not taken: use String, Boolean, Integer, Long, Double, Date, Json or Null`);
}

/** A request's typed variables as plain values (each named `<what>.<name>` when refused). */
export function plainVariables(what: string, typed: Record<string, TypedValue> | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(typed ?? {})) out[name] = fromTyped(`${what}.${name}`, v);
  return out;
}
