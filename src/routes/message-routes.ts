// Messages, signals and conditions from outside a case: `POST /messages` reaches one waiting case (or starts one),
// `POST /signals` every case waiting for the signal; who may send: the roles named on the message, the unit's owners,
// admins. `POST /condition` (Camunda 7's Evaluate a Condition) starts a case at each conditional start event that
// holds for the variables, for those who may start the process.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { currentUser } from '../auth/auth-plugin.js';
import { TEXT_LIMITS } from '../db/text-limits.js';
import { errorSchema } from './schemas.js';

const security = [{ bearer: [] }];
const values = z.record(z.string().min(1).max(100), z.unknown()).refine((v) => Object.keys(v).length <= 100, 'at most 100 entries');

export const messageBody = z
  .object({
    name: z.string().trim().min(1).max(TEXT_LIMITS.messageName),
    businessKey: z.string().min(1).max(TEXT_LIMITS.businessKey).optional(),
    /** Case variables the waiting case must hold with exactly these values. */
    correlationKeys: values.optional(),
    /** The message's variables, as its `sop:field` declarations allow. */
    variables: values.optional(),
  })
  .strict();

export const messageResult = z
  .object({
    instanceId: z.string(),
    /** The catch event, receive task or boundary event that received it, or the message start event. */
    elementId: z.string(),
    /** True when the message started a new case. */
    started: z.boolean(),
  })
  .meta({ id: 'MessageResult' });

export const signalBody = z.object({ name: z.string().trim().min(1).max(TEXT_LIMITS.messageName), variables: values.optional() }).strict();

export const signalResult = z.object({ delivered: z.number().int(), instanceIds: z.array(z.string()) }).meta({ id: 'SignalResult' });

export const conditionBody = z
  .object({
    /** Evaluated against each conditional start event's condition, and the started cases' start variables. */
    variables: values.optional(),
    businessKey: z.string().min(1).max(TEXT_LIMITS.businessKey).optional(),
    /** Only this version's conditional start events (it must be its key's current version). */
    processDefinitionId: z.string().min(1).max(200).optional(),
  })
  .strict();

export const conditionResult = z
  .array(
    z.object({
      id: z.string(),
      definitionId: z.string(),
      definitionKey: z.string(),
      version: z.number().int(),
      businessKey: z.string().nullable(),
      /** The conditional start event whose condition held. */
      startEventId: z.string(),
    }),
  )
  .meta({ id: 'ConditionResult' });

const messageRoutes: FastifyPluginAsyncZod = async (app) => {
  const { messages, conditions } = app.services;

  app.post(
    '/messages',
    {
      schema: {
        tags: ['messages'],
        summary: 'Deliver a message to the one case waiting for it, or start a case at its message start event',
        security,
        body: messageBody,
        response: { 200: messageResult, 201: messageResult, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema },
      },
    },
    async (request, reply) => {
      const outcome = await messages.message(currentUser(request), request.body);
      return reply.status(outcome.started ? 201 : 200).send(outcome);
    },
  );

  app.post(
    '/signals',
    {
      schema: {
        tags: ['messages'],
        summary: 'Deliver a signal to every case waiting for it',
        security,
        body: signalBody,
        response: { 200: signalResult, 400: errorSchema, 403: errorSchema, 422: errorSchema },
      },
    },
    async (request) => messages.signal(currentUser(request), request.body),
  );

  app.post(
    '/condition',
    {
      schema: {
        tags: ['messages'],
        summary: 'Evaluate the conditional start events with these variables and start a case at each one that holds (Camunda 7 POST /condition)',
        description: 'Only current, non-suspended versions the caller may start are evaluated; an empty list when no condition holds.',
        security,
        body: conditionBody,
        response: { 200: conditionResult, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema },
      },
    },
    async (request) => conditions.evaluate(currentUser(request), request.body),
  );
};

export default messageRoutes;
