// SLA reports: working-time statistics per step, role or month, and the steps over their standard (auditor, owner).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser } from '../auth/auth-plugin.js';
import { isAnyAuditor, isAnyOwner, isAuditorOf, isOwnerOf, maySeeDefinition } from '../auth/roles.js';
import type { User } from '../auth/users-repository.js';
import { reportService } from '../audit/report-service.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { decodeCursor, encodeCursor, keysetCursor } from '../http/cursor.js';
import { errorSchema, listQuery, pageOf } from './schemas.js';
import { inStoredWindow } from '../sop/date-window.js';

const security = [{ bearer: [] }];

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;
/** A date (UTC) or a date-time with a zone, of a day that exists (Date.parse alone would roll 30 February over). */
const isInstant = (v: string) =>
  ISO_INSTANT.test(v) && inStoredWindow(Date.parse(v)) && new Date(`${v.slice(0, 10)}T00:00:00Z`).toISOString().startsWith(v.slice(0, 10));
const instant = z.string().max(40).refine(isInstant, 'an ISO 8601 date (YYYY-MM-DD, UTC) or date-time with a zone, in 1900–2199');

const reportQuery = z.object({
  definitionKey: z.string().min(1).max(200).optional(),
  version: z.coerce.number().int().min(1).optional(),
  from: instant.optional().describe('completed at or after; a date means its 00:00 UTC'),
  to: instant.optional().describe('completed before; a date means the whole of that UTC day'),
  groupBy: z.enum(['step', 'role', 'month']).default('step'),
});

const reportRowSchema = z.object({
  definitionKey: z.string(),
  version: z.number().int(),
  elementId: z.string().optional(),
  step: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
  role: z.string().nullable().optional(),
  month: z.string().optional(),
  count: z.number().int(),
  medianMs: z.number(),
  p90Ms: z.number(),
  standardMs: z.number().nullable(),
  compliance: z.number().nullable(),
  breaches: z.number().int(),
  escalations: z.number().int().describe('task.escalated events in range: a boundary timer fired on the step\'s task (sop:at="dueAt", a working-time reminder)'),
});

const reportSchema = z
  .object({ groupBy: z.enum(['step', 'role', 'month']), from: z.string().nullable(), to: z.string().nullable(), rows: z.array(reportRowSchema) })
  .meta({ id: 'SlaReport' });

const breachQuery = listQuery.extend({
  definitionKey: z.string().min(1).max(200).optional(),
  open: z.enum(['true', 'false']).optional(),
});

const breachSchema = z
  .object({
    taskId: z.string(),
    instanceId: z.string(),
    definitionKey: z.string(),
    version: z.number().int(),
    elementId: z.string(),
    step: z.string().nullable(),
    name: z.string().nullable(),
    role: z.string().nullable(),
    assignee: z.string().nullable(),
    status: z.string(),
    createdAt: z.string(),
    dueAt: z.string(),
    completedAt: z.string().nullable(),
    standardMs: z.number().nullable(),
    workingMs: z.number().nullable(),
    overdueMs: z.number(),
    open: z.boolean(),
  })
  .meta({ id: 'Breach' });

const isAfter = keysetCursor(['d', 'i']);

const reportRoutes: FastifyPluginAsyncZod = async (app) => {
  const { definitions, clock } = app.services;
  const reports = reportService(app.services.db);

  /** The definition keys the caller may report on (undefined = all), checked against an asked-for key. */
  async function scope(user: User, definitionKey: string | undefined): Promise<string[] | undefined> {
    if (!isAnyAuditor(user) && !isAnyOwner(user)) throw new ForbiddenError('reports need the auditor or owner role');
    const everyUnit = isAuditorOf(user, null) || isOwnerOf(user, null);
    if (definitionKey !== undefined) {
      const definition = await definitions.latest(definitionKey);
      if (!definition || !maySeeDefinition(user, definition)) throw new NotFoundError(`definition ${definitionKey} not found`);
      const unit = definition.metadata.unit;
      if (!everyUnit && !isAuditorOf(user, unit) && !isOwnerOf(user, unit)) throw new ForbiddenError(`definition ${definitionKey} belongs to another unit`);
    }
    if (everyUnit) return undefined;
    return (await definitions.listLatest()).filter((d) => isAuditorOf(user, d.metadata.unit) || isOwnerOf(user, d.metadata.unit)).map((d) => d.key);
  }

  app.get(
    '/audit/report',
    {
      schema: {
        tags: ['audit'],
        summary: 'SLA report: working-time statistics per step, role or month (auditor, owner)',
        description:
          'Over completed step executions (completedAt in [from, to)), per definition key and version and per group: count, medianMs and p90Ms of ' +
          'working time, standardMs (the most common standard of the rows), compliance (share within their standard, null without one) and breaches. ' +
          'Percentiles are exact nearest-rank: the value at rank ceil(p·n) of the group sorted ascending (the median of an even count is the lower middle). ' +
          'Months are UTC calendar months of completion. Without definitionKey: every definition the caller may see.',
        security,
        querystring: reportQuery,
        response: { 200: reportSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const q = request.query;
      if (q.version !== undefined && q.definitionKey === undefined) {
        throw new ValidationError('version needs definitionKey', [{ name: 'query.version', message: 'give definitionKey with version' }]);
      }
      const from = q.from === undefined ? undefined : new Date(q.from).toISOString();
      const to = q.to === undefined ? undefined : new Date(Date.parse(q.to) + (DATE_ONLY.test(q.to) ? 86_400_000 : 0)).toISOString();
      if (from !== undefined && to !== undefined && from >= to) throw new ValidationError('an empty range', [{ name: 'query.to', message: 'must be after from' }]);
      const visibleKeys = await scope(currentUser(request), q.definitionKey);
      const rows = await reports.report({
        groupBy: q.groupBy,
        ...(visibleKeys ? { visibleKeys } : {}),
        ...(q.definitionKey !== undefined ? { definitionKey: q.definitionKey } : {}),
        ...(q.version !== undefined ? { version: q.version } : {}),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
      });
      return { groupBy: q.groupBy, from: from ?? null, to: to ?? null, rows };
    },
  );

  app.get(
    '/audit/breaches',
    {
      schema: {
        tags: ['audit'],
        summary: 'Steps over their standard, done or still open (auditor, owner)',
        description:
          'Done: completed with breached = true (overdueMs = working ms over the standard). Open: open or claimed with dueAt before now ' +
          '(overdueMs = wall ms past dueAt, workingMs null). Newest first: by dueAt (when the step went over its standard) descending, then taskId.',
        security,
        querystring: breachQuery,
        response: { 200: pageOf(breachSchema), 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const q = request.query;
      const after = decodeCursor(q.cursor, isAfter);
      const visibleKeys = await scope(currentUser(request), q.definitionKey);
      const rows = await reports.breaches({
        ...(visibleKeys ? { visibleKeys } : {}),
        ...(q.definitionKey !== undefined ? { definitionKey: q.definitionKey } : {}),
        ...(q.open !== undefined ? { open: q.open === 'true' } : {}),
        now: clock().toISOString(),
        limit: q.limit + 1,
        ...(after ? { after: { dueAt: after.d, id: after.i } } : {}),
      });
      const items = rows.slice(0, q.limit);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > items.length && last ? encodeCursor({ d: last.dueAt, i: last.taskId }) : null };
    },
  );
};

export default reportRoutes;
