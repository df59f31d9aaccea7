// The outbox for admins: every notification (e-mail, webhook) and its delivery; failed and undeliverable ones retried.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser } from '../auth/auth-plugin.js';
import { isAdmin } from '../auth/roles.js';
import { ForbiddenError } from '../errors.js';
import { decodeCursor, encodeCursor, keysetCursor } from '../http/cursor.js';
import { OUTBOX_STATUSES } from '../notifications/outbox-repository.js';
import { CHANNELS } from '../notifications/preferences.js';
import { errorSchema, idParams, listQuery, pageOf } from './schemas.js';

const security = [{ bearer: [] }];

const outboxEntrySchema = z
  .object({
    id: z.string(),
    channel: z.enum(CHANNELS),
    kind: z.string(),
    recipientUserId: z.string().nullable(),
    address: z.string().nullable().describe('the e-mail address, or the webhook URL (null: WEBHOOK_URL was not set)'),
    subject: z.string(),
    body: z.string(),
    payload: z.record(z.string(), z.unknown()).describe('the JSON a webhook receives'),
    idempotencyKey: z.string().describe('sent as webhook-id / X-Idempotency-Key with every attempt'),
    auditSeq: z.number().int().nullable().describe('the audit event that caused it'),
    status: z.enum(OUTBOX_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: z.string(),
    lastError: z.string().nullable(),
    lockedBy: z.string().nullable(),
    lockedUntil: z.string().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
  })
  .meta({ id: 'OutboxEntry' });

const outboxQuery = listQuery.extend({ status: z.enum(OUTBOX_STATUSES).optional() });

const adminOnly = (request: Parameters<typeof currentUser>[0]) => {
  if (!isAdmin(currentUser(request))) throw new ForbiddenError('the outbox needs the admin role');
};

const outboxRoutes: FastifyPluginAsyncZod = async (app) => {
  const { notifications } = app.services;
  const isAfter = keysetCursor(['a', 'i']);

  app.get(
    '/outbox',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Notifications (e-mail, webhook) and their delivery, newest first (admin)',
        description: '`status=failed` lists what ran out of attempts, `undeliverable` what was written while its channel was not configured; both wait for POST /outbox/:id/retry.',
        security,
        querystring: outboxQuery,
        response: { 200: pageOf(outboxEntrySchema), 400: errorSchema, 401: errorSchema, 403: errorSchema },
      },
    },
    async (request) => {
      adminOnly(request);
      const { status, limit, cursor } = request.query;
      const after = decodeCursor(cursor, isAfter);
      const rows = await notifications.outbox.list({ status, limit: limit + 1, before: after ? { at: after.a, id: after.i } : undefined });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { items: page, nextCursor: rows.length > limit && last ? encodeCursor({ a: last.createdAt, i: last.id }) : null };
    },
  );

  app.post(
    '/outbox/:id/retry',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Send a failed or undeliverable notification again, with fresh attempts and the same idempotency key (admin)',
        security,
        params: idParams,
        response: { 200: outboxEntrySchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => {
      adminOnly(request);
      return notifications.retry(request.params.id);
    },
  );
};

export default outboxRoutes;
