// Errors under /engine-rest in Camunda 7's shape, `{type, message, code}` (REST reference "Introduction": the type is
// the Java exception's simple name, code Camunda's error code, 0 when unspecified), with the statuses Camunda's
// external-task resource answers: 404 for a task that is gone, 400 for a worker that does not hold it or a bad body,
// 403 for a user who may not serve the topic, 500 when the case could not be resumed.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ExternalTaskLockError, ForbiddenError, NotFoundError, SopError, UnauthenticatedError, UnavailableError } from '../errors.js';
import { translate } from './error-handler.js';

/** Camunda's exception type and HTTP status for one of the service's typed errors. */
export function camundaErrorOf(err: SopError): { status: number; type: string } {
  if (err instanceof NotFoundError) return { status: 404, type: 'InvalidRequestException' };
  if (err instanceof ExternalTaskLockError) return { status: 400, type: 'BadUserRequestException' };
  if (err instanceof ForbiddenError) return { status: 403, type: 'AuthorizationException' };
  if (err instanceof UnauthenticatedError) return { status: 401, type: 'AuthenticationException' };
  if (err instanceof UnavailableError) return { status: 503, type: 'RestException' };
  if (err.statusCode < 500 && err.statusCode !== 409 && err.statusCode !== 422) return { status: err.statusCode, type: 'InvalidRequestException' };
  // A case that moved on meanwhile or could not run with its data: Camunda's "could not be resumed" (500).
  return { status: 500, type: err.statusCode === 409 ? 'OptimisticLockingException' : 'ProcessEngineException' };
}

function handle(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const known = translate(err, request.routeOptions?.bodyLimit);
  const { status, type } = known ? camundaErrorOf(known) : { status: 500, type: 'RestException' };
  // A refusal (the service's own 4xx, a case that moved on or cannot run with its data) says why; a failure does not.
  const told = known !== undefined && known.statusCode < 500;
  if (!told && !(known instanceof UnavailableError)) request.log.error({ err }, known?.message ?? 'unhandled error');
  const message = told ? known.message : 'the service could not complete the request';
  return reply.status(status).header('content-type', 'application/json').send(JSON.stringify({ type, message, code: 0 }));
}

/** Answers every error of the routes of `app` (an encapsulated plugin) in Camunda's shape. */
export function installCamundaErrors(app: FastifyInstance): void {
  app.setErrorHandler(handle);
}
