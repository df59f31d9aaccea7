// Camunda 8 forms: owners and admins deploy form-js JSON beside the diagrams that link it by id; any user reads it.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser } from '../auth/auth-plugin.js';
import { isAnyOwner } from '../auth/roles.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { errorSchema } from './schemas.js';

const security = [{ bearer: [] }];

const formResult = z
  .object({
    formId: z.string(),
    version: z.number().int(),
    warnings: z.array(z.object({ elementId: z.string(), message: z.string() })),
  })
  .meta({ id: 'FormDeployment' });

const formSchema = z
  .object({ formId: z.string(), version: z.number().int(), schema: z.record(z.string(), z.unknown()), deployedAt: z.string(), deployedBy: z.string().nullable() })
  .meta({ id: 'Form' });

const formRoutes: FastifyPluginAsyncZod = async (app) => {
  const { forms, formDeploy } = app.services;

  app.post(
    '/forms',
    {
      schema: {
        tags: ['definitions'],
        summary: 'Deploy a Camunda 8 form (form-js JSON) that diagrams link by formId (owner, admin)',
        description:
          'The body is a form-js schema; its `id` is the formId a `zeebe:formDefinition` (or `camunda:formRef`) names. A changed schema is version N+1; the same JSON (keys in any order) as the latest answers 200 and creates nothing. A diagram deployed afterwards fixes the latest version of each form it links. Components the server cannot check (checklist, taglist, filepicker, dynamic lists, options from variables) answer 400 naming them.',
        security,
        body: z.record(z.string(), z.unknown()),
        response: { 200: formResult, 201: formResult, 400: errorSchema, 403: errorSchema },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      if (!isAnyOwner(user)) throw new ForbiddenError('deploying a form needs the owner or admin role');
      const { created, form, warnings } = await formDeploy.deploy(request.body, user.id);
      return reply.status(created ? 201 : 200).send({ formId: form.formId, version: form.version, warnings });
    },
  );

  app.get(
    '/forms/:formId',
    {
      schema: {
        tags: ['definitions'],
        summary: 'The latest version of a deployed form',
        security,
        params: z.object({ formId: z.string().min(1).max(150) }),
        response: { 200: formSchema, 404: errorSchema },
      },
    },
    async (request) => {
      currentUser(request);
      const form = await forms.latest(request.params.formId);
      if (!form) throw new NotFoundError(`form ${request.params.formId} not found`);
      return { formId: form.formId, version: form.version, schema: form.schema, deployedAt: form.deployedAt, deployedBy: form.deployedBy };
    },
  );
};

export default formRoutes;
