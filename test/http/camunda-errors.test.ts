// The service's typed errors as Camunda 7's REST API answers them under /engine-rest (type and status).
import t from 'tap';
import { camundaErrorOf } from '../../src/http/camunda-errors.js';
import { ActivityFailedError, ConflictError, EngineRunError, ExternalTaskLockError, ForbiddenError, NotFoundError, UnauthenticatedError, UnavailableError, ValidationError } from '../../src/errors.js';

t.test('each typed error has Camunda\'s type and status', async (t) => {
  t.same(camundaErrorOf(new NotFoundError('x')), { status: 404, type: 'InvalidRequestException' });
  t.same(camundaErrorOf(new ExternalTaskLockError('x')), { status: 400, type: 'BadUserRequestException' });
  t.same(camundaErrorOf(new ValidationError('x', [])), { status: 400, type: 'InvalidRequestException' });
  t.same(camundaErrorOf(new ForbiddenError('x')), { status: 403, type: 'AuthorizationException' });
  t.same(camundaErrorOf(new UnauthenticatedError()), { status: 401, type: 'AuthenticationException' });
  t.same(camundaErrorOf(new UnavailableError('x')), { status: 503, type: 'RestException' });
  t.same(camundaErrorOf(new ConflictError('x', 'running')), { status: 500, type: 'OptimisticLockingException' }, 'a case that moved on meanwhile: could not be resumed');
  t.same(camundaErrorOf(new ActivityFailedError('a', 'b')), { status: 500, type: 'ProcessEngineException' });
  t.same(camundaErrorOf(new EngineRunError('x')), { status: 500, type: 'ProcessEngineException' });
});
