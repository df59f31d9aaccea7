// Users: an admin creates them (the token is shown once); everyone can ask who they are.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { currentUser } from '../auth/auth-plugin.js';
import { isAdmin } from '../auth/roles.js';
import { ForbiddenError } from '../errors.js';
import { createUserBody, createdUserSchema, errorSchema, userSchema } from './schemas.js';

const security = [{ bearer: [] }];

const userRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/users',
    {
      schema: { tags: ['users'], summary: 'Create a user (admin)', security, body: createUserBody, response: { 201: createdUserSchema, 400: errorSchema, 401: errorSchema, 403: errorSchema } },
    },
    async (request, reply) => {
      const user = currentUser(request);
      if (!isAdmin(user)) throw new ForbiddenError('creating users needs the admin role');
      const created = await app.services.accounts.createUser(user, request.body.name, request.body.roles);
      return reply.status(201).send(created);
    },
  );

  app.get('/me', { schema: { tags: ['users'], summary: 'The caller', security, response: { 200: userSchema, 401: errorSchema } } }, async (request) => {
    const { id, name, roles } = currentUser(request);
    return { id, name, roles };
  });
};

export default userRoutes;
