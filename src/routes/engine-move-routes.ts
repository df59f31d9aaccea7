// GET /engine-moves: the report of the move of cases stored by the flow interpreter to bpmn-engine (admin).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { currentUser } from '../auth/auth-plugin.js';
import { isAdmin } from '../auth/roles.js';
import { ForbiddenError } from '../errors.js';
import { engineMovesReport, errorSchema } from './schemas.js';

const security = [{ bearer: [] }];

const engineMoveRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/engine-moves',
    {
      schema: {
        tags: ['service'],
        summary: 'Cases moved from the flow interpreter to bpmn-engine, and those not moved with the reason (admin)',
        description: 'One row per case the start-up move looked at; not paged (the move happens once per database).',
        security,
        response: { 200: engineMovesReport, 403: errorSchema },
      },
    },
    async (request) => {
      if (!isAdmin(currentUser(request))) throw new ForbiddenError('the move report needs the admin role');
      const items = await app.services.engineMoves.list();
      return { moved: items.filter((m) => m.outcome === 'moved').length, unmoved: items.filter((m) => m.outcome === 'unmoved').length, items };
    },
  );
};

export default engineMoveRoutes;
