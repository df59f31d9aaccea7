// Every request's body, query and params in canonical text before any schema or handler sees them.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ValidationError, type FieldProblem } from '../errors.js';
import { canonicalJson } from '../text/canonical-text.js';

const PARTS = [
  ['body', 'body'],
  ['query', 'query'],
  ['params', 'params'],
] as const;

/**
 * Replaces `request.body`, `query` and `params` by their canonical form (NFC strings and keys, see
 * canonical-text.ts), so what is validated, stored, hashed, compared and acknowledged is one value. Throws
 * ValidationError (400 SOP_ERR_VALIDATION) naming every field whose text is ill-formed or holds NUL. A multipart
 * body is read by its route, which canonicalises its own parts.
 */
export function canonicaliseRequest(request: FastifyRequest): void {
  const problems: FieldProblem[] = [];
  for (const [part, name] of PARTS) {
    const value: unknown = request[part];
    if (value === undefined || value === null) continue;
    const canonical = canonicalJson(value, name);
    problems.push(...canonical.problems);
    (request as unknown as Record<string, unknown>)[part] = canonical.value;
  }
  if (problems.length > 0) {
    throw new ValidationError(`invalid text: ${problems.map((p) => `${p.name} ${p.message}`).join('; ')}`, problems);
  }
}

const canonicalInput: FastifyPluginAsync = async (app) => {
  // preValidation runs after the body is parsed and before the route's schema checks it.
  app.addHook('preValidation', async (request) => canonicaliseRequest(request));
};

export default fp(canonicalInput, { name: 'canonical-input' });
