// GET /health: liveness with the database kind, the number of deployed SOP keys and the calendars lacking holidays.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { healthSchema } from './schemas.js';

const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    { config: { public: true }, schema: { tags: ['service'], summary: 'Service health', response: { 200: healthSchema } } },
    async () => ({
      status: 'ok' as const,
      database: app.services.db.kind,
      definitions: await app.services.definitions.count(),
      calendarWarnings: await app.services.calendars.warnings(),
    }),
  );
};

export default healthRoutes;
