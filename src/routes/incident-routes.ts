// Incidents: work that ran out of retries (timer jobs today; external tasks and messages share the shape), listed for
// admins and the unit's owners, and retried one at a time.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser } from '../auth/auth-plugin.js';
import { decodeCursor, encodeCursor, keysetCursor } from '../http/cursor.js';
import { errorSchema, idParams, listQuery } from './schemas.js';

const security = [{ bearer: [] }];
const incidentSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['timer', 'external-task', 'message']),
    instanceId: z.string(),
    elementId: z.string(),
    message: z.string(),
    retries: z.number().int(),
    createdAt: z.string(),
    resolvedAt: z.string().nullable(),
  })
  .meta({ id: 'Incident' });
const incidentQuery = listQuery.extend({ status: z.enum(['open', 'all']).default('open') }).strict();
const isAfter = keysetCursor(['c', 'i']);

const incidentRoutes: FastifyPluginAsyncZod = async (app) => {
  const { incidents } = app.services;
  app.get(
    '/incidents',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Incidents: jobs and external tasks that ran out of retries, newest first (status=open by default, or all)',
        description: 'An admin sees every incident; the owner of a unit those of its definitions.',
        security,
        querystring: incidentQuery,
        response: { 200: z.object({ items: z.array(incidentSchema), nextCursor: z.string().nullable() }), 400: errorSchema, 403: errorSchema },
      },
    },
    async (request) => {
      const q = request.query;
      const cursor = decodeCursor(q.cursor, isAfter);
      const page = await incidents.list(currentUser(request), { open: q.status === 'open', limit: q.limit, ...(cursor ? { after: { createdAt: cursor.c, id: cursor.i } } : {}) });
      return { items: page.items, nextCursor: page.last ? encodeCursor({ c: page.last.createdAt, i: page.last.id }) : null };
    },
  );
  app.post(
    '/incidents/:id/retry',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Retry an incident: its work runs again (a timer job is due at once, with its retries back) and the incident is resolved',
        security,
        params: idParams,
        response: { 200: incidentSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => incidents.retry(currentUser(request), request.params.id),
  );
};

export default incidentRoutes;
