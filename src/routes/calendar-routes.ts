// Business calendars: everyone reads them; admins change office hours, time zone and holidays.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser } from '../auth/auth-plugin.js';
import { isAdmin } from '../auth/roles.js';
import { ForbiddenError } from '../errors.js';
import { errorSchema } from './schemas.js';
import { isExistingDay } from '../text/iso-date.js';

const security = [{ bearer: [] }];
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:mm');
const interval = z.object({ start: hhmm, end: hhmm }).strict();
const holiday = z
  .object({
    date: z.string().refine(isExistingDay, 'YYYY-MM-DD, a day that exists'),
    name: z.string().trim().min(1).max(200),
    kind: z.string().max(50).optional(),
    provisional: z.boolean().optional(),
  })
  .strict();
const day = z.array(interval).readonly();
const weekdays = z.object({ 1: day, 2: day, 3: day, 4: day, 5: day, 6: day, 7: day });

const calendarSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    timeZone: z.string(),
    hours: weekdays,
    holidays: z.array(holiday),
    updatedAt: z.string(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: 'Calendar' });

const patchSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    timeZone: z.string().min(1).max(100).optional(),
    hours: weekdays.partial().strict().optional(),
    holidays: z.array(holiday).max(2000).optional(),
  })
  .strict();

const calendarRoutes: FastifyPluginAsyncZod = async (app) => {
  const { calendars } = app.services;

  app.get(
    '/calendars',
    { schema: { tags: ['calendars'], summary: 'Business calendars: time zone, office hours per ISO weekday (1 = Monday), holidays', security, response: { 200: z.object({ items: z.array(calendarSchema), nextCursor: z.null() }) } } },
    async () => ({ items: await calendars.list(), nextCursor: null }),
  );

  app.put(
    '/calendars/:id',
    {
      schema: {
        tags: ['calendars'],
        summary: 'Change a calendar (admin): office hours, time zone, holidays; confirm provisional holidays by sending them without `provisional`',
        security,
        params: z.object({ id: z.string().min(1).max(50) }),
        body: patchSchema,
        response: { 200: calendarSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const user = currentUser(request);
      if (!isAdmin(user)) throw new ForbiddenError('changing a calendar needs the admin role');
      return calendars.update(user.id, request.params.id, request.body);
    },
  );
};

export default calendarRoutes;
