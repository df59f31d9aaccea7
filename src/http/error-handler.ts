// The one place where errors become HTTP answers: {statusCode, code, error, message, details?}.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { STATUS_CODES } from 'node:http';
import { SopError, TooLargeError, UnsupportedMediaError, ValidationError, type FieldProblem } from '../errors.js';

/**
 * What a refused request's log line says of its refusal: the code and the names the details give (fields, elements,
 * missing documents), never their messages or values, which may quote what the user sent.
 */
export interface Refusal {
  code: string;
  fields?: string[];
  elements?: string[];
  missing?: string[];
}

const refusals = new WeakMap<FastifyRequest, Refusal>();

/** The refusal the error handler answered `request` with, for its request log line; undefined when none. */
export function refusalOf(request: FastifyRequest): Refusal | undefined {
  return refusals.get(request);
}

const names = (list: unknown, key: string): string[] =>
  Array.isArray(list) ? list.map((item) => (item as Record<string, unknown> | null)?.[key]).filter((v): v is string => typeof v === 'string') : [];

function refusal(code: string, details: Record<string, unknown> | undefined): Refusal {
  const fields = names(details?.fields, 'name');
  const elements = [...names(details?.problems, 'elementId'), ...(typeof details?.elementId === 'string' ? [details.elementId] : [])];
  const missing = Array.isArray(details?.missing) ? details.missing.filter((m): m is string => typeof m === 'string') : [];
  return { code, ...(fields.length > 0 ? { fields } : {}), ...(elements.length > 0 ? { elements: [...new Set(elements)] } : {}), ...(missing.length > 0 ? { missing } : {}) };
}

function send(reply: FastifyReply, statusCode: number, code: string, message: string, details?: Record<string, unknown>) {
  if (statusCode < 500) refusals.set(reply.request, refusal(code, details));
  return reply
    .status(statusCode)
    .type('application/json')
    .send({ statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message, ...(details ? { details } : {}) });
}

/** `instancePath` is `/a/0/b`; the field is named `a.0.b`, prefixed by query or params where it is not the body. */
function fieldName(instancePath: string, context: string | undefined): string {
  const name = instancePath.split('/').filter(Boolean).join('.');
  const where = context === 'querystring' ? 'query' : context === 'params' || context === 'headers' ? context : '';
  return [where, name].filter(Boolean).join('.') || context || 'body';
}

/** Translates framework and library errors into our typed errors. */
function translate(err: FastifyError): SopError | undefined {
  if (err instanceof SopError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const fields: FieldProblem[] = err.validation.flatMap((v) => {
      // An unknown query parameter is named as itself (see http/strict-query.ts), one field each.
      const keys = (v.params as { keys?: unknown }).keys;
      if (v.keyword === 'unrecognized_keys' && err.validationContext === 'querystring' && Array.isArray(keys)) {
        return keys.map((key) => ({ name: fieldName(`${v.instancePath}/${String(key)}`, err.validationContext), message: v.message ?? 'unknown parameter' }));
      }
      return [{ name: fieldName(v.instancePath, err.validationContext), message: v.message ?? 'invalid' }];
    });
    return new ValidationError(`invalid request: ${fields.map((f) => `${f.name}: ${f.message}`).join('; ')}`, fields);
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new TooLargeError('request body too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? new UnsupportedMediaError(err.message) : new ValidationError(err.message, [{ name: 'content-length', message: err.message }]);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ValidationError('the body is not valid JSON', [{ name: 'body', message: err.message }]);
  }
  if (err instanceof SyntaxError || (err.statusCode === 400 && !err.code?.startsWith('SOP_'))) {
    return new ValidationError('malformed request', [{ name: 'body', message: err.message }]);
  }
  if (err.statusCode === 413) return new TooLargeError('request body too large');
  if (err.statusCode === 415) return new UnsupportedMediaError(err.message);
  return undefined;
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const known = translate(err);
    if (known) {
      if (known.statusCode >= 500) request.log.error({ err }, known.message);
      else request.log.debug({ code: known.code }, known.message);
      // Server-side failures never leak their internal message.
      const message = known.statusCode >= 500 ? 'the service could not complete the request' : known.message;
      return send(reply, known.statusCode, known.code, message, known.statusCode >= 500 ? undefined : known.details);
    }
    request.log.error({ err }, 'unhandled error');
    return send(reply, 500, 'SOP_ERR_INTERNAL', 'the service could not complete the request');
  });
  app.setNotFoundHandler((request, reply) => send(reply, 404, 'SOP_ERR_NOT_FOUND', `route ${request.method} ${request.url.split('?')[0]} not found`));
}
