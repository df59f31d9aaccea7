// Delegations (Plh./Plt.): a role's holder, or an admin for them, lends the role to another user for a period.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser } from '../auth/auth-plugin.js';
import { errorSchema, idParams, instantSchema as instant, roleSchema } from './schemas.js';

const security = [{ bearer: [] }];
const delegationSchema = z
  .object({
    id: z.string(),
    from: z.string(),
    to: z.string(),
    role: z.string(),
    validFrom: z.string(),
    validUntil: z.string(),
    reason: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    revokedBy: z.string().nullable(),
  })
  .meta({ id: 'Delegation' });

const delegationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { delegations } = app.services;
  app.post(
    '/delegations',
    {
      schema: {
        tags: ['users'],
        summary: 'Delegate one of your roles to an acting official (Plh./Plt.) for a period of at most a year; an admin may delegate for a holder (onBehalfOf)',
        description: 'The delegate holds the role only while the period runs, the delegation is not revoked, and the delegating official is active and still holds the role. A second delegation of the same role by the same official overlapping this one answers 409.',
        security,
        body: z.object({ to: z.string().min(1).max(100), role: roleSchema, from: instant, until: instant, reason: z.string().trim().min(1).max(2000), onBehalfOf: z.string().min(1).max(100).optional() }).strict(),
        response: { 201: delegationSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await delegations.create(currentUser(request), request.body)),
  );
  app.post(
    '/delegations/:id/revoke',
    {
      schema: {
        tags: ['users'],
        summary: 'End a delegation at once (the delegating official, admin)',
        security,
        params: idParams,
        body: z.object({ reason: z.string().trim().min(1).max(2000).optional() }).strict().nullish(),
        response: { 200: delegationSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => delegations.revoke(currentUser(request), request.params.id, request.body?.reason),
  );
  app.get(
    '/delegations',
    { schema: { tags: ['users'], summary: 'Delegations you gave or received (admin: all)', security, response: { 200: z.object({ items: z.array(delegationSchema), nextCursor: z.null() }) } } },
    async (request) => ({ items: await delegations.list(currentUser(request)), nextCursor: null }),
  );
};

export default delegationRoutes;
