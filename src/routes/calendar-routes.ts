// Business calendars: everyone reads them; admins change the national ones, a unit's owners their unit's.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser } from '../auth/auth-plugin.js';
import { isAdmin, isOwnerOf } from '../auth/roles.js';
import type { User } from '../auth/users-repository.js';
import { ForbiddenError, NotFoundError, UnsupportedMediaError } from '../errors.js';
import { inStoredWindow } from '../sop/date-window.js';
import { holidaysToIcs, parseHolidayIcs } from '../sop/holiday-ics.js';
import type { StoredCalendar } from '../sop/calendar-store.js';
import type { EffectiveCalendar } from '../sop/calendar-resolve.js';
import { errorSchema } from './schemas.js';

const security = [{ bearer: [] }];
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:mm');
const interval = z.object({ start: hhmm, end: hhmm }).strict();
/** A local date of a day that exists, in the window of stored dates. */
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .refine((v) => inStoredWindow(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'a date that exists, in 1900–2199');
const holiday = z
  .object({
    date,
    name: z.string().trim().min(1).max(200),
    kind: z.string().max(50).optional(),
    provisional: z.boolean().optional(),
  })
  .strict();
const day = z.array(interval).max(10).readonly();
const weekdays = z.object({ 1: day, 2: day, 3: day, 4: day, 5: day, 6: day, 7: day });
const source = z.string().trim().min(1).max(500).optional();
const period = z
  .object({ from: date, to: date, name: z.string().trim().min(1).max(200), source, hours: weekdays.partial().strict() })
  .strict()
  .describe('dated office hours (e.g. Ramadan by the MenPAN-RB circular); a weekday left out keeps the calendar\'s');
const datedDay = z
  .object({ date, name: z.string().trim().min(1).max(200), source, hours: day })
  .strict()
  .describe('one date with its own hours: a half day, or an extra working day');

const calendarSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    timeZone: z.string(),
    hours: weekdays,
    holidays: z.array(holiday).readonly(),
    periods: z.array(period).readonly(),
    days: z.array(datedDay).readonly(),
    inherits: z.string().nullable(),
    removed: z.array(z.string()).readonly(),
    unit: z.string().nullable(),
    updatedAt: z.string(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: 'Calendar' });

const patchFields = {
  timeZone: z.string().min(1).max(100).optional(),
  hours: weekdays.partial().strict().optional(),
  holidays: z.array(holiday).max(2000).optional(),
  periods: z.array(period).max(200).optional(),
  days: z.array(datedDay).max(2000).optional(),
  removed: z.array(date).max(2000).optional().describe('dates of the parent\'s holidays this calendar does not keep'),
};
const patchSchema = z.object({ name: z.string().trim().min(1).max(200).optional(), ...patchFields }).strict();
const createSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,49}$/, 'lower-case letters, digits and -'),
    name: z.string().trim().min(1).max(200),
    inherits: z.string().min(1).max(50),
    unit: z.string().min(1).max(200),
    ...patchFields,
  })
  .strict();
const idParams = z.object({ id: z.string().min(1).max(50) });

/** National calendars (no unit) are the admin's; a unit's calendar is also its owners'. */
function mayEdit(user: User, calendar: { unit: string | null }): boolean {
  return isAdmin(user) || (calendar.unit !== null && isOwnerOf(user, calendar.unit));
}

/** The media type of iCalendar (RFC 5545 §8.1). */
const ICS_TYPE = 'text/calendar';
/** Largest iCalendar body: the service's JSON body limit, room for decades of a national feed. */
export const MAX_ICS_BYTES = 1024 * 1024;

const icsHoliday = z.object({ date: z.string(), name: z.string(), kind: z.string().optional(), provisional: z.boolean().optional() });
const holidayDiffSchema = z
  .object({
    calendar: z.string(),
    applied: z.boolean().describe('true when `apply=true` changed the calendar; the diff is then what changed'),
    years: z.array(z.number().int()).describe('the years the feed has events in; with scope=years only these years change'),
    added: z.array(icsHoliday),
    removed: z.array(icsHoliday),
    changed: z.array(icsHoliday.extend({ previous: icsHoliday })).describe('same date, another name, kind (CATEGORIES) or provisional mark (STATUS:TENTATIVE)'),
    unchanged: z.array(icsHoliday),
  })
  .meta({ id: 'HolidayDiff' });

const calendarRoutes: FastifyPluginAsyncZod = async (app) => {
  const { calendars } = app.services;

  app.get(
    '/calendars',
    { schema: { tags: ['calendars'], summary: 'Business calendars: time zone, office hours per ISO weekday (1 = Monday), holidays, dated hours', security, response: { 200: z.object({ items: z.array(calendarSchema), nextCursor: z.null() }) } } },
    async () => ({ items: await calendars.list(), nextCursor: null }),
  );

  app.get(
    '/calendars/:id/coverage',
    {
      schema: {
        tags: ['calendars'],
        summary: 'Per year, whether the holidays the calendar counts on are confirmed, provisional or missing',
        security,
        params: idParams,
        response: {
          200: z.object({
            calendar: z.string(),
            years: z.array(z.object({ year: z.number().int(), status: z.enum(['confirmed', 'provisional', 'none']), holidays: z.number().int(), provisional: z.number().int() })),
          }),
          404: errorSchema,
        },
      },
    },
    async (request) => calendars.coverage(request.params.id),
  );

  app.post(
    '/calendars',
    {
      schema: {
        tags: ['calendars'],
        summary: "A unit's calendar inheriting a national one (wib, wita, wit): admin, or an owner of the unit",
        security,
        body: createSchema,
        response: { 201: calendarSchema, 400: errorSchema, 403: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      if (!mayEdit(user, request.body)) throw new ForbiddenError(`creating a calendar of unit ${request.body.unit} needs owner:${request.body.unit} or admin`);
      return reply.status(201).send(await calendars.create(user.id, request.body));
    },
  );

  app.put(
    '/calendars/:id',
    {
      schema: {
        tags: ['calendars'],
        summary:
          "Change a calendar (admin; a unit's calendar also its owners): office hours, time zone, holidays, dated periods and days; confirm provisional holidays by sending them without `provisional`. The due dates of open tasks on it move in the same transaction",
        security,
        params: idParams,
        body: patchSchema,
        response: { 200: calendarSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const current: StoredCalendar | undefined = await calendars.stored(request.params.id);
      if (!current) throw new NotFoundError(`calendar ${request.params.id} not found`);
      if (!mayEdit(user, current)) throw new ForbiddenError(current.unit === null ? 'changing a national calendar needs the admin role' : `changing this calendar needs owner:${current.unit} or admin`);
      return calendars.update(user.id, request.params.id, request.body);
    },
  );

  app.addContentTypeParser(ICS_TYPE, { parseAs: 'string', bodyLimit: MAX_ICS_BYTES }, (_req, body, done) => done(null, body));

  app.put(
    '/calendars/:id/holidays',
    {
      bodyLimit: MAX_ICS_BYTES,
      // The JSON parser accepts other bodies too; this route takes iCalendar only, and says so before validating.
      preValidation: async (request) => {
        const type = String(request.headers['content-type'] ?? '').replace(/;.*$/s, '').trim().toLowerCase();
        if (type !== ICS_TYPE) throw new UnsupportedMediaError(`holidays are sent as iCalendar (${ICS_TYPE}), not '${type || 'no content type'}'`);
      },
      schema: {
        tags: ['calendars'],
        summary: 'Holidays from an iCalendar feed: the difference against the calendar, applied with apply=true (admin; a unit\'s calendar also its owners)',
        description:
          'Body: an RFC 5545 VCALENDAR. Every VEVENT is an all-day event (DTSTART;VALUE=DATE); its days run to the exclusive DTEND (or DURATION, one day without either), a recurring one (RRULE, RDATE, EXDATE, RECURRENCE-ID) is expanded up to 2199-12-31. SUMMARY is the name, CATEGORIES the kind, STATUS:TENTATIVE marks it provisional, STATUS:CANCELLED leaves it out; events on one date are one holiday. The answer compares the feed with the holidays the calendar counts on (a regional calendar: its parent\'s kept and its own). Only the years the feed has events in are compared and replaced (`scope=all`: every year, so the calendar takes exactly the feed\'s holidays). Without `apply=true` nothing changes; with it the holidays change so, and the due dates of open tasks on it move in the same transaction (`calendar.updated`, `task.rescheduled`). A text that is not iCalendar answers 400 naming the line, an event that is no usable holiday 400 naming its UID and SUMMARY.',
        security,
        consumes: [ICS_TYPE],
        params: idParams,
        querystring: z
          .object({
            apply: z.enum(['true', 'false']).optional().describe('true: change the calendar; otherwise only answer the difference'),
            scope: z.enum(['years', 'all']).default('years').describe("years (default): the feed replaces the holidays of the years it has events in and leaves other years alone; all: the calendar takes exactly the feed's holidays"),
          })
          .strict(),
        body: z.string().min(1, 'the iCalendar text is empty'),
        response: { 200: holidayDiffSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema, 413: errorSchema, 415: errorSchema },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const current = await calendars.stored(request.params.id);
      if (!current) throw new NotFoundError(`calendar ${request.params.id} not found`);
      if (!mayEdit(user, current)) throw new ForbiddenError(current.unit === null ? 'changing a national calendar needs the admin role' : `changing this calendar needs owner:${current.unit} or admin`);
      return calendars.importHolidays(user.id, current.id, parseHolidayIcs(request.body), { apply: request.query.apply === 'true', scope: request.query.scope });
    },
  );

  app.get(
    '/calendars/:id/holidays.ics',
    {
      schema: {
        tags: ['calendars'],
        summary: 'The holidays the calendar counts on as iCalendar, to subscribe to in a calendar app',
        description: 'An RFC 5545 VCALENDAR: one all-day VEVENT per holiday (DTSTART;VALUE=DATE, DTEND the next day), a stable UID per calendar and date, CATEGORIES the kind, STATUS:TENTATIVE when provisional. Sent back to `PUT /calendars/:id/holidays` it changes nothing.',
        security,
        params: idParams,
        response: { 200: { description: 'iCalendar (text/calendar)', content: { [ICS_TYPE]: { schema: z.string() } } }, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const cal = await calendars.stored(request.params.id);
      if (!cal) throw new NotFoundError(`calendar ${request.params.id} not found`);
      const { holidays } = (await calendars.effective()).get(cal.id) as EffectiveCalendar;
      return reply
        .type(`${ICS_TYPE}; charset=utf-8`)
        .header('content-disposition', `inline; filename="${cal.id}-hari-libur.ics"`)
        .serializer((p: unknown) => p as string)
        .send(holidaysToIcs(cal, holidays));
    },
  );
};

export default calendarRoutes;
