// The OpenAPI document's per-route transform: the zod schemas as JSON Schema, plus the request bodies zod does not
// describe, so that Swagger UI's "Try it out" can send every route's body (a multipart upload's file field).
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** A field of a multipart/form-data body: a file to upload, or a text value. */
export interface MultipartField {
  type: 'file' | 'text';
  description: string;
  required?: boolean;
}

/**
 * Route schema key naming a multipart body's fields for the document only: the route reads its parts itself
 * (@fastify/multipart), so the body is never validated against this.
 */
export const MULTIPART_FORM = 'x-multipart-form';

/** The JSON Schema of a multipart/form-data body: a file field is `string` with `format: binary`. */
export function multipartBodySchema(fields: Record<string, MultipartField>): Record<string, unknown> {
  const properties = Object.fromEntries(
    Object.entries(fields).map(([name, f]) => [name, f.type === 'file' ? { type: 'string', format: 'binary', description: f.description } : { type: 'string', description: f.description }]),
  );
  const required = Object.entries(fields)
    .filter(([, f]) => f.required === true)
    .map(([name]) => name);
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
}

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];

/** jsonSchemaTransform, then a route's MULTIPART_FORM becomes its documented body (under its `consumes` types). */
export function openApiTransform(input: TransformInput): ReturnType<typeof jsonSchemaTransform> {
  const output = jsonSchemaTransform(input);
  const schema = output.schema as Record<string, unknown> | undefined;
  const form = schema?.[MULTIPART_FORM] as Record<string, MultipartField> | undefined;
  if (!schema || form === undefined) return output;
  const { [MULTIPART_FORM]: _form, ...rest } = schema;
  return { ...output, schema: { ...rest, body: multipartBodySchema(form) } } as ReturnType<typeof jsonSchemaTransform>;
}
