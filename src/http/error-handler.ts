// The one place where errors become HTTP answers: {statusCode, code, error, message, details?}.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { TEXT_LIMITS } from '../db/text-limits.js';
import { HeadersTooLargeError, RateLimitedError, RequestTimeoutError, SopError, TooLargeError, UnavailableError, UnsupportedMediaError, UriTooLongError, ValidationError, type FieldProblem } from '../errors.js';

/** An error answer stays small whatever the request held: at most this many entries per details list, ... */
export const MAX_DETAIL_ENTRIES = 100;
/** ... and at most this many characters per string in it, and in the message. */
export const MAX_ERROR_TEXT = 1000;

const capText = (text: string): string => (text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}… (${text.length - MAX_ERROR_TEXT} more characters)` : text);

/** A details value with its lists cut to MAX_DETAIL_ENTRIES (the count left out in `omitted`) and its strings to MAX_ERROR_TEXT. */
export function capDetails(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return capText(value);
  if (value === null || typeof value !== 'object' || depth > 4) return value;
  if (Array.isArray(value)) return value.slice(0, MAX_DETAIL_ENTRIES).map((v) => capDetails(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = capDetails(v, depth + 1);
    if (Array.isArray(v) && v.length > MAX_DETAIL_ENTRIES) out.omitted = { ...(out.omitted as object | undefined), [key]: v.length - MAX_DETAIL_ENTRIES };
  }
  return out;
}

/** The contract's error body: `{statusCode, code, error, message, details?}`, capped in size. */
export function errorBody(statusCode: number, code: string, message: string, details?: Record<string, unknown>) {
  return { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message: capText(message), ...(details ? { details: capDetails(details) } : {}) };
}

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
  return reply.status(statusCode).type('application/json').send(errorBody(statusCode, code, message, details));
}

/** `instancePath` is `/a/0/b`; the field is named `a.0.b`, prefixed by query or params where it is not the body. */
function fieldName(instancePath: string, context: string | undefined): string {
  const name = instancePath.split('/').filter(Boolean).join('.');
  const where = context === 'querystring' ? 'query' : context === 'params' || context === 'headers' ? context : '';
  return [where, name].filter(Boolean).join('.') || context || 'body';
}

/** A body over its route's limit, naming the limit in bytes (`details: {limit: 'bodyLimit', max}`). */
const bodyTooLarge = (bodyLimit: number | undefined) =>
  bodyLimit === undefined ? new TooLargeError('request body too large') : new TooLargeError(`the request body may have at most ${bodyLimit} bytes`, { limit: 'bodyLimit', max: bodyLimit });

/** Translates framework and library errors into our typed errors; `bodyLimit` is the route's, named by a 413. */
export function translate(err: FastifyError, bodyLimit: number | undefined): SopError | undefined {
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
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new UriTooLongError(`a path parameter may have at most ${MAX_PARAM_LENGTH} characters`, { limit: 'maxParamLength', max: MAX_PARAM_LENGTH });
    case 'FST_ERR_BAD_URL':
      return new ValidationError('the URL is not valid: a percent-encoded part is not UTF-8', [{ name: 'url', message: 'not a valid url component' }]);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bodyTooLarge(bodyLimit);
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
  if (err.statusCode === 413) return bodyTooLarge(bodyLimit);
  if (err.statusCode === 415) return new UnsupportedMediaError(err.message);
  return undefined;
}

/** The longest path parameter the router accepts: as long as the longest SOP key (Fastify's default, 100). */
export const MAX_PARAM_LENGTH = TEXT_LIMITS.definitionKey;

function handle(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const known = translate(err, request.routeOptions?.bodyLimit);
  if (known) {
    // A shutdown's 503 is no failure: it says what to do, and is no error in the log.
    const failure = known.statusCode >= 500 && !(known instanceof UnavailableError);
    if (failure) request.log.error({ err }, known.message);
    else request.log.debug({ code: known.code }, known.message);
    // Server-side failures never leak their internal message.
    const message = failure ? 'the service could not complete the request' : known.message;
    if (known instanceof RateLimitedError) reply.header('retry-after', String(known.retryAfterS));
    return send(reply, known.statusCode, known.code, message, failure ? undefined : known.details);
  }
  request.log.error({ err }, 'unhandled error');
  return send(reply, 500, 'SOP_ERR_INTERNAL', 'the service could not complete the request');
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(handle);
  // Fastify's own 503 while closing (return503OnClosing) has another shape; this one is answered here instead.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('connection', 'close');
    throw new UnavailableError('the service is shutting down; send the request again');
  });
  app.setNotFoundHandler((request, reply) => send(reply, 404, 'SOP_ERR_NOT_FOUND', `route ${request.method} ${request.url.split('?')[0]} not found`));
}

/**
 * What the router answers before any route or error handler runs (a bad percent-encoding, a parameter over
 * maxParamLength), in the contract's shape: pass as Fastify's `frameworkErrors` option.
 */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (err, request, reply) => {
  // Such a reply has no route, so no onSend hook adds these (security-headers.ts).
  reply.header('x-content-type-options', 'nosniff').header('cache-control', 'no-store');
  void handle(err, request, reply);
};

/** The bytes of an error answer written straight to a socket, when Node's HTTP parser gave up before Fastify saw a request. */
export function rawErrorResponse(error: SopError): string {
  const body = JSON.stringify(errorBody(error.statusCode, error.code, error.message, error.details));
  return `HTTP/1.1 ${error.statusCode} ${STATUS_CODES[error.statusCode] ?? 'Error'}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`;
}

/**
 * Fastify's `clientErrorHandler`: a request Node could not parse (malformed, headers too large, too slow) gets the
 * contract's error body instead of Fastify's bare "Client Error".
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let error: SopError;
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') error = new RequestTimeoutError('the request did not arrive in time');
  else if (err.code === 'HPE_HEADER_OVERFLOW') error = new HeadersTooLargeError('the request line and headers are larger than the service accepts (16 KiB)', { limit: 'maxHeaderSize', max: 16384 });
  else error = new ValidationError('the request is not valid HTTP/1.1', [{ name: 'request', message: err.code ?? 'malformed' }]);
  if (socket.writable) socket.write(rawErrorResponse(error));
  socket.destroy(err);
}
