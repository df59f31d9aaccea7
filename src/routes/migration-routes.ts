// POST /migrations: move running cases of one SOP version to another, as Camunda's migration API (owner of the unit, admin).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { currentUser } from '../auth/auth-plugin.js';
import { ValidationError } from '../errors.js';
import { MAX_MIGRATION_CASES } from '../instances/case-migration.js';
import { errorSchema, migrationBody, migrationReport } from './schemas.js';

const security = [{ bearer: [] }];

const migrationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/migrations',
    {
      schema: {
        tags: ['instances'],
        summary: 'Move running cases from one version of a SOP to another (owner of the unit, admin)',
        description: [
          'Elements map by equal id unless `mapping` ({fromElementId: toElementId}) says otherwise. Each case is checked: every element it waits at needs a target of the same kind, the new version may not read a variable ahead of it that nothing sets in time, and its history must replay on the new version to the mapped waits.',
          `A case that passes moves in its own transaction (engine state, task rows with the new version's standard and due date from the task's clock start, an \`instance.migrated\` audit event); one that does not stays and is reported with its problems. \`dryRun\` only reports. At most ${MAX_MIGRATION_CASES} cases per request (\`instanceIds\`, or the running cases \`filter\` selects, oldest first).`,
        ].join('\n\n'),
        security,
        body: migrationBody,
        response: { 200: migrationReport, 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const { instanceIds, filter } = request.body;
      if (instanceIds !== undefined && filter !== undefined) throw new ValidationError('give instanceIds or filter, not both', [{ name: 'filter', message: 'not allowed with instanceIds' }]);
      return app.services.migrations.migrate(currentUser(request), request.body);
    },
  );
};

export default migrationRoutes;
