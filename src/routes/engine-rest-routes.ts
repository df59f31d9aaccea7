// Camunda 7's external-task REST API under /engine-rest, so that workers written against Camunda (the
// camunda-external-task-client-js, the Java client, hand-written ones) run unchanged: Camunda's paths, bodies,
// status codes and error body `{type, message, code}` (REST reference "Introduction", error handling). Workers
// authenticate with a bearer token of a user holding `worker` or `worker:<topic>`.
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser } from '../auth/auth-plugin.js';
import { MAX_TOPIC_LENGTH } from '../engine/external-task-definitions.js';
import { installCamundaErrors } from '../http/camunda-errors.js';

const security = [{ bearer: [] }];
const tags = ['engine-rest'];
const workerId = z.string().min(1).max(200);
const typedValue = z.object({ value: z.unknown().optional(), type: z.string().max(100).nullable().optional(), valueInfo: z.record(z.string(), z.unknown()).nullable().optional() });
const variables = z
  .record(z.string().min(1).max(100), typedValue)
  .refine((v) => Object.keys(v).length <= 100, 'at most 100 variables')
  .nullable()
  .optional();
const duration = z.number().int().min(0).max(2_147_483_647);

const topic = z.object({
  topicName: z.string().min(1).max(MAX_TOPIC_LENGTH),
  lockDuration: duration,
  variables: z.array(z.string().max(100)).max(100).nullable().optional(),
  localVariables: z.boolean().nullable().optional(),
  businessKey: z.string().max(200).nullable().optional(),
  processDefinitionKey: z.string().max(200).nullable().optional(),
  includeExtensionProperties: z.boolean().nullable().optional(),
});

const fetchBody = z.object({
  workerId,
  maxTasks: z.number().int().min(0).max(1000),
  usePriority: z.boolean().nullable().optional(),
  asyncResponseTimeout: duration.nullable().optional(),
  topics: z.array(topic).max(100),
});

const typedOut = z.object({ value: z.unknown(), type: z.string(), valueInfo: z.record(z.string(), z.unknown()) });
const externalTask = z
  .object({
    id: z.string(),
    topicName: z.string(),
    workerId: z.string().nullable(),
    lockExpirationTime: z.string().nullable(),
    retries: z.number().int().nullable(),
    errorMessage: z.string().nullable(),
    processInstanceId: z.string(),
    processDefinitionId: z.string(),
    processDefinitionKey: z.string(),
    activityId: z.string(),
    activityInstanceId: z.string(),
    executionId: z.string(),
    businessKey: z.string().nullable(),
    priority: z.number().int(),
    suspended: z.boolean(),
    tenantId: z.null(),
  })
  .meta({ id: 'CamundaExternalTask' });
const lockedTask = externalTask
  .omit({ suspended: true })
  .extend({ workerId: z.string(), lockExpirationTime: z.string(), errorDetails: z.string().nullable(), processDefinitionVersionTag: z.null(), variables: z.record(z.string(), typedOut), extensionProperties: z.record(z.string(), z.string()) })
  .meta({ id: 'CamundaLockedExternalTask' });
export const camundaError = z.object({ type: z.string(), message: z.string(), code: z.number().int() }).meta({ id: 'CamundaError' });
const params = z.object({ id: z.string().min(1).max(100) });
const refusals = { 400: camundaError, 401: camundaError, 403: camundaError, 404: camundaError, 500: camundaError };

/** Camunda's answers are `application/json` exactly: camunda-external-task-client-js parses no other content type. */
function json(reply: FastifyReply): FastifyReply {
  return reply.header('content-type', 'application/json');
}

const engineRestRoutes: FastifyPluginAsyncZod = async (app) => {
  const work = app.services.externalTaskWork;
  installCamundaErrors(app);
  app.addHook('onSend', async (_request, reply, payload) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('application/json')) json(reply);
    return payload;
  });

  app.post(
    '/external-task/fetchAndLock',
    { schema: { tags, summary: 'Fetch and lock external tasks (Camunda 7), waiting up to asyncResponseTimeout ms for one', security, body: fetchBody, response: { 200: z.array(lockedTask), ...refusals } } },
    async (request) => {
      // The long poll ends when the worker goes away, not only at its timeout.
      const gone = new AbortController();
      request.raw.once('close', () => gone.abort());
      const { usePriority, asyncResponseTimeout, ...rest } = request.body;
      return work.fetchAndLock(currentUser(request), { ...rest, usePriority: usePriority ?? false, asyncResponseTimeout: asyncResponseTimeout ?? 0 }, gone.signal);
    },
  );

  app.get(
    '/external-task',
    {
      schema: {
        tags,
        summary: 'External tasks of the topics the worker serves, oldest first',
        security,
        querystring: z.object({ topicName: z.string().max(MAX_TOPIC_LENGTH).optional(), processInstanceId: z.string().max(100).optional(), maxResults: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: { 200: z.array(externalTask), ...refusals },
      },
    },
    async (request) => work.list(currentUser(request), request.query),
  );

  app.get('/external-task/:id', { schema: { tags, summary: 'One external task', security, params, response: { 200: externalTask, ...refusals } } }, async (request) => work.get(currentUser(request), request.params.id));

  app.post(
    '/external-task/:id/complete',
    { schema: { tags, summary: 'Complete an external task: variables become process variables', security, params, body: z.object({ workerId, variables, localVariables: variables }), response: { 204: z.null(), ...refusals } } },
    async (request, reply) => {
      await work.complete(currentUser(request), request.params.id, request.body);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/external-task/:id/failure',
    {
      schema: {
        tags,
        summary: 'Report a failure: fetchable again after retryTimeout ms while retries are left, else an incident',
        security,
        params,
        body: z.object({ workerId, errorMessage: z.string().max(10_000).nullable().optional(), errorDetails: z.string().max(100_000).nullable().optional(), retries: z.number().int().min(0).max(1_000_000).nullable().optional(), retryTimeout: duration.nullable().optional() }),
        response: { 204: z.null(), ...refusals },
      },
    },
    async (request, reply) => {
      await work.failure(currentUser(request), request.params.id, request.body);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/external-task/:id/bpmnError',
    {
      schema: {
        tags,
        summary: 'Report a BPMN error, caught by the error boundary event of its errorCode (uncaught: an incident)',
        security,
        params,
        body: z.object({ workerId, errorCode: z.string().min(1).max(200), errorMessage: z.string().max(10_000).nullable().optional(), variables }),
        response: { 204: z.null(), ...refusals },
      },
    },
    async (request, reply) => {
      await work.bpmnError(currentUser(request), request.params.id, request.body);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/external-task/:id/extendLock',
    { schema: { tags, summary: 'Extend the lock the worker holds by newDuration ms from now', security, params, body: z.object({ workerId, newDuration: duration }), response: { 204: z.null(), ...refusals } } },
    async (request, reply) => {
      await work.extendLock(currentUser(request), request.params.id, request.body);
      return reply.status(204).send(null);
    },
  );

  app.post('/external-task/:id/unlock', { schema: { tags, summary: 'Free an external task: fetchable again at once', security, params, response: { 204: z.null(), ...refusals } } }, async (request, reply) => {
    await work.unlock(currentUser(request), request.params.id);
    return reply.status(204).send(null);
  });
};

export default engineRestRoutes;

