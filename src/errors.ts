// Every error the API answers with: typed classes with a stable code and HTTP status, listed in one place.

export interface FieldProblem {
  name: string;
  message: string;
}

export interface ElementProblem {
  elementId: string;
  message: string;
}

export abstract class SopError extends Error {
  abstract readonly statusCode: number;
  abstract readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class UnauthenticatedError extends SopError {
  readonly statusCode = 401;
  readonly code = 'SOP_ERR_UNAUTHENTICATED';
  constructor(message = 'a valid bearer token is required') {
    super(message);
  }
}

export class TooLargeError extends SopError {
  readonly statusCode = 413;
  readonly code = 'SOP_ERR_TOO_LARGE';
}

/** A path parameter longer than the router accepts (Fastify's maxParamLength): the same code as a body too big. */
export class UriTooLongError extends SopError {
  readonly statusCode = 414;
  readonly code = 'SOP_ERR_TOO_LARGE';
}

/** Request headers over Node's limit (16 KiB by default), a URL that long included. */
export class HeadersTooLargeError extends SopError {
  readonly statusCode = 431;
  readonly code = 'SOP_ERR_TOO_LARGE';
}

/** The client did not send its request in time (Node's requestTimeout and headersTimeout). */
export class RequestTimeoutError extends SopError {
  readonly statusCode = 408;
  readonly code = 'SOP_ERR_TIMEOUT';
}

/** A quota is spent (uploads per user): `details.limit` names it, `retryAfterS` says when it frees (also as Retry-After). */
export class RateLimitedError extends SopError {
  readonly statusCode = 429;
  readonly code = 'SOP_ERR_RATE_LIMITED';
  readonly retryAfterS: number;
  constructor(message: string, limit: string, retryAfterS: number, max: number) {
    super(message, { limit, retryAfterS, max });
    this.retryAfterS = retryAfterS;
  }
}

export class UnsupportedMediaError extends SopError {
  readonly statusCode = 415;
  readonly code = 'SOP_ERR_UNSUPPORTED_MEDIA';
}

export class ValidationError extends SopError {
  readonly statusCode = 400;
  readonly code = 'SOP_ERR_VALIDATION';
  constructor(message: string, fields: FieldProblem[]) {
    super(message, { fields });
  }
}

export class InvalidBpmnError extends SopError {
  readonly statusCode = 400;
  readonly code = 'SOP_ERR_INVALID_BPMN';
  readonly problems: ElementProblem[];
  constructor(problems: ElementProblem[]) {
    const first = problems[0];
    super(
      first ? `diagram refused: ${first.elementId}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}` : 'diagram refused',
      { problems },
    );
    this.problems = problems;
  }
}

export class NotFoundError extends SopError {
  readonly statusCode = 404;
  readonly code = 'SOP_ERR_NOT_FOUND';
}

export class ForbiddenError extends SopError {
  readonly statusCode = 403;
  readonly code = 'SOP_ERR_FORBIDDEN';
}

/** A deploy of a SOP key that belongs to another unit, or a version that would move the key's cases to another unit. */
export class KeyOwnedError extends ForbiddenError {
  constructor(message: string, owner: { key: string; unit: string | null }, diagramUnit: string | null) {
    super(message, { key: owner.key, unit: owner.unit, diagramUnit });
  }
}

export class ConflictError extends SopError {
  readonly statusCode = 409;
  readonly code = 'SOP_ERR_CONFLICT';
  constructor(message: string, state: string) {
    super(message, { state });
  }
}

/**
 * A start on a version that takes no new cases: one scheduled (its Tanggal Efektif has not come) or suspended.
 * `details`: `{state: scheduled|suspended, version, effective, effectiveFrom, suspendedAt}`.
 */
export class VersionNotStartableError extends ConflictError {
  constructor(message: string, state: 'scheduled' | 'suspended', version: { version: number; effective: string | null; effectiveFrom: string | null; suspendedAt: string | null }) {
    super(message, state);
    Object.assign(this.details as Record<string, unknown>, { version: version.version, effective: version.effective, effectiveFrom: version.effectiveFrom, suspendedAt: version.suspendedAt });
  }
}

/** A case the start-up move could not take from the flow interpreter to bpmn-engine: it can be read, not advanced. */
export class CaseNotMovedError extends SopError {
  readonly statusCode = 409;
  readonly code = 'SOP_ERR_CASE_NOT_MOVED';
  constructor(instanceId: string, reason: string) {
    super(`instance ${instanceId} was not moved to bpmn-engine and cannot advance: ${reason}`, { instanceId, reason });
  }
}

export class MissingDocumentsError extends SopError {
  readonly statusCode = 422;
  readonly code = 'SOP_ERR_MISSING_DOCUMENTS';
  constructor(missing: string[]) {
    super(`Kelengkapan belum dilampirkan: ${missing.join(', ')}`, { missing });
  }
}

export class MissingOutputError extends SopError {
  readonly statusCode = 422;
  readonly code = 'SOP_ERR_MISSING_OUTPUT';
  constructor(missing: string[]) {
    super(`Output belum dicatat: ${missing.join(', ')}`, { missing });
  }
}

export class InvalidFormError extends SopError {
  readonly statusCode = 422;
  readonly code = 'SOP_ERR_INVALID_FORM';
  constructor(fields: FieldProblem[]) {
    super(`Isian formulir tidak valid: ${fields.map((f) => `${f.name} (${f.message})`).join('; ')}`, { fields });
  }
}

export class OutsideCalendarError extends SopError {
  readonly statusCode = 422;
  readonly code = 'SOP_ERR_OUTSIDE_CALENDAR';
  constructor(fields: FieldProblem[]) {
    super(`Di luar jadwal layanan: ${fields.map((f) => `${f.name} (${f.message})`).join('; ')}`, { fields });
  }
}

/** A call activity was reached but the process it calls (or the version its binding names) is not deployed. */
export class CalledProcessMissingError extends SopError {
  readonly statusCode = 422;
  readonly code = 'SOP_ERR_CALLED_PROCESS_MISSING';
  constructor(elementId: string, calledElement: string, binding: string) {
    super(`call activity ${elementId} calls process '${calledElement}'${binding}, which is not deployed`, { elementId, calledElement });
  }
}

/**
 * An element could not run on the case's data (e.g. a multi-instance collection variable that is missing or not a
 * list, a decision whose conditions all fail); nothing is stored, and `details.elementId` names the element.
 */
export class ActivityFailedError extends SopError {
  readonly statusCode = 422;
  readonly code = 'SOP_ERR_ACTIVITY_FAILED';
  constructor(elementId: string, reason: string) {
    super(`element ${elementId} could not run with this case's data: ${reason}`, { elementId });
  }
}

/** The service is shutting down: the request was not started, another instance (or this one restarted) will take it. */
export class UnavailableError extends SopError {
  readonly statusCode = 503;
  readonly code = 'SOP_ERR_UNAVAILABLE';
}

/**
 * The case's values leave a decision (an exclusive or inclusive gateway without a default flow) no flow to take;
 * nothing is stored. `details`: `{elementId, variables}`, the gateway and the variable names its conditions read.
 */
export class NoPathError extends SopError {
  readonly statusCode = 422;
  readonly code = 'SOP_ERR_NO_PATH';
  constructor(elementId: string, variables: string[]) {
    super(`decision ${elementId} has no flow to take for these values${variables.length > 0 ? ` of ${variables.join(', ')}` : ''}: change them, or give the gateway a default flow`, {
      elementId,
      variables,
    });
  }
}

/** The engine could not advance an instance; the stored state is left untouched. */
export class EngineRunError extends SopError {
  readonly statusCode = 500;
  readonly code = 'SOP_ERR_ENGINE';
}

/** A timer a job would fire is no longer waiting in its case (its activity ended, the case moved on). */
export class TimerNotWaitingError extends ConflictError {
  constructor(elementId: string, executionId: string) {
    super(`timer ${elementId} (${executionId}) is not waiting`, 'not-waiting');
  }
}

/**
 * A worker acted on an external task it does not hold: another worker locked it last, or its lock is gone (Camunda 7
 * answers such a call with 400, BadUserRequestException). Nothing changed.
 */
export class ExternalTaskLockError extends SopError {
  readonly statusCode = 400;
  readonly code = 'SOP_ERR_EXTERNAL_TASK_LOCK';
}
