// Delegations (Plh./Plt.): a role's holder, or an admin for them, lends the role to another user for a period.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser } from '../auth/auth-plugin.js';
import { errorSchema, roleSchema } from './schemas.js';
import { inStoredWindow, parseIsoDateTime } from '../sop/date-window.js';

const security = [{ bearer: [] }];
const delegationSchema = z
  .object({ id: z.string(), from: z.string(), to: z.string(), role: z.string(), validFrom: z.string(), validUntil: z.string(), reason: z.string(), createdAt: z.string() })
  .meta({ id: 'Delegation' });
const instant = z.string().refine((v) => inStoredWindow(parseIsoDateTime(v) ?? NaN), 'ISO 8601 date-time with a zone, in 1900–2199');

const delegationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { delegations } = app.services;
  app.post(
    '/delegations',
    {
      schema: {
        tags: ['users'],
        summary: 'Delegate one of your roles to an acting official (Plh./Plt.) for a period; an admin may delegate for a holder (onBehalfOf)',
        security,
        body: z.object({ to: z.string().min(1).max(100), role: roleSchema, from: instant, until: instant, reason: z.string().trim().min(1).max(2000), onBehalfOf: z.string().min(1).max(100).optional() }).strict(),
        response: { 201: delegationSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await delegations.create(currentUser(request), request.body)),
  );
  app.get(
    '/delegations',
    { schema: { tags: ['users'], summary: 'Delegations you gave or received (admin: all)', security, response: { 200: z.object({ items: z.array(delegationSchema), nextCursor: z.null() }) } } },
    async (request) => ({ items: await delegations.list(currentUser(request)), nextCursor: null }),
  );
};

export default delegationRoutes;
