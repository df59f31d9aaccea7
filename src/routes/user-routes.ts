// Users: an admin creates them (the token is shown once); everyone can ask who they are.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { currentUser } from '../auth/auth-plugin.js';
import { isAdmin } from '../auth/roles.js';
import { ForbiddenError } from '../errors.js';
import { z } from 'zod';
import { decodeCursor, encodeCursor, keysetCursor } from '../http/cursor.js';
import { createUserBody, createdUserSchema, errorSchema, idParams, listQuery, pageOf, roleSchema, userSchema } from './schemas.js';
import type { User } from '../auth/users-repository.js';
import { preferencesPatchSchema, preferencesSchema } from '../notifications/preferences.js';

/** An e-mail address as notifications use it; null clears it. */
const emailField = z.email('must be an e-mail address').max(254).nullable();

/**
 * A phone number in E.164 (`+` country code and number, 8 to 15 digits, e.g. +6281234567890), as WhatsApp gateways
 * take it; spaces, dots, hyphens and brackets between the digits are dropped. Null clears it.
 */
const phoneField = z
  .string()
  .max(40)
  .transform((v) => v.replace(/[\s().-]/g, ''))
  .pipe(z.string().regex(/^\+[1-9]\d{7,14}$/, 'must be an E.164 phone number: + country code and number, e.g. +6281234567890'))
  .nullable();

const meSchema = userSchema
  .extend({
    email: z.string().nullable(),
    phone: z.string().nullable(),
    notifications: preferencesSchema,
    tokenRotatedAt: z.string().nullable(),
    tokenRotatedBy: z.string().nullable(),
    tokenKind: z.enum(['enrolment', 'own', 'config']),
  })
  .meta({ id: 'Me' });

/** `own`: set by its holder; `config`: ADMIN_TOKEN; anything else an admin (or the service) issued. */
const tokenKind = (u: User) => (u.tokenSource === 'self' ? 'own' : u.tokenSource === 'config' ? 'config' : 'enrolment') as 'own' | 'config' | 'enrolment';
const meView = (u: User) => ({ id: u.id, name: u.name, roles: u.roles, email: u.email, phone: u.phone, notifications: u.notifications, tokenRotatedAt: u.tokenRotatedAt, tokenRotatedBy: u.tokenRotatedBy, tokenKind: tokenKind(u) });

const userDetailSchema = z
  .object({ id: z.string(), name: z.string(), roles: z.array(z.string()), active: z.boolean(), createdAt: z.string(), email: z.string().nullable(), phone: z.string().nullable() })
  .meta({ id: 'UserDetail' });

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

  const adminOnly = (request: Parameters<typeof currentUser>[0]) => {
    const user = currentUser(request);
    if (!isAdmin(user)) throw new ForbiddenError('managing users needs the admin role');
    return user;
  };
  const userView = (u: User) => ({ id: u.id, name: u.name, roles: u.roles, active: u.active, createdAt: u.createdAt, email: u.email, phone: u.phone });
  const isAfter = keysetCursor(['n', 'i']);

  app.get(
    '/users',
    { schema: { tags: ['users'], summary: 'List users (admin)', security, querystring: listQuery, response: { 200: pageOf(userDetailSchema), 403: errorSchema } } },
    async (request) => {
      adminOnly(request);
      const after = decodeCursor(request.query.cursor, isAfter);
      const rows = await app.services.users.list(request.query.limit + 1, after ? { name: after.n, id: after.i } : undefined);
      const page = rows.slice(0, request.query.limit);
      const last = page.at(-1);
      return { items: page.map(userView), nextCursor: rows.length > page.length && last ? encodeCursor({ n: last.name, i: last.id }) : null };
    },
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Change roles, e-mail or phone, or deactivate (admin); a deactivated user gets 401',
        security,
        params: idParams,
        body: z.object({ roles: z.array(roleSchema).max(100).optional(), active: z.boolean().optional(), email: emailField.optional(), phone: phoneField.optional() }).strict(),
        response: { 200: userDetailSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => userView(await app.services.accounts.updateUser(adminOnly(request), request.params.id, request.body)),
  );

  app.post(
    '/users/:id/token',
    { schema: { tags: ['users'], summary: 'Rotate a token (admin): the old one stops at once; the new one is shown once', security, params: idParams, response: { 200: createdUserSchema, 403: errorSchema, 404: errorSchema } } },
    async (request) => {
      const { id, name, roles, token } = await app.services.accounts.rotateToken(adminOnly(request), request.params.id);
      return { id, name, roles, token };
    },
  );

  app.get(
    '/me',
    {
      schema: {
        tags: ['users'],
        summary: 'The caller, and where their token came from',
        description:
          "`tokenRotatedBy` is who set the current token (the caller: their own; an admin's id: an enrolment token, which cannot read sealed content until its holder rotates it with POST /me/token; null: the service, or ADMIN_TOKEN).",
        security,
        response: { 200: meSchema, 401: errorSchema },
      },
    },
    async (request) => meView(currentUser(request)),
  );

  app.patch(
    '/me',
    {
      schema: {
        tags: ['users'],
        summary: 'Change your e-mail, phone and notification choices',
        description:
          'E-mail notifications go to `email`, webhook ones (a WhatsApp gateway, say) name your `phone`; null clears one. `notifications` turns a kind (' +
          '`task.created`, `task.assigned`, `task.overdue`, `case.ended`, `escalation`) on or off per channel (`email`, `webhook`); what is not named keeps its choice, and everything starts on.',
        security,
        body: z.object({ email: emailField.optional(), phone: phoneField.optional(), notifications: preferencesPatchSchema.optional() }).strict(),
        response: { 200: meSchema, 400: errorSchema, 401: errorSchema },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const updated = await app.services.accounts.updateProfile(user, request.body);
      // The roles as the request holds them (delegations included), like GET /me.
      return meView({ ...user, email: updated.email, phone: updated.phone, notifications: updated.notifications });
    },
  );

  app.post(
    '/me/token',
    {
      schema: {
        tags: ['users'],
        summary: 'Replace your own token: the old one stops at once; the new one is shown once and is yours alone',
        description: 'A token an admin issued (POST /users, POST /users/:id/token) is an enrolment token; the one you set here also reads the sealed content you recorded. The ADMIN_TOKEN account answers 409: its token is configuration.',
        security,
        response: { 200: createdUserSchema, 401: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const { id, name, roles, token } = await app.services.accounts.rotateOwnToken(currentUser(request));
      return reply.header('cache-control', 'no-store').send({ id, name, roles, token });
    },
  );
};

export default userRoutes;
