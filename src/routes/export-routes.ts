// Audit exports for process mining and spreadsheets: every step execution as CSV or as an XES event log, streamed.
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser } from '../auth/auth-plugin.js';
import { isAuditorOf, maySeeDefinition } from '../auth/roles.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { csvExport, type ExportFilter } from '../audit/csv-export.js';
import { xesExport } from '../audit/xes-export.js';
import { errorSchema } from './schemas.js';
import { inStoredWindow } from '../sop/date-window.js';

const security = [{ bearer: [] }];

/** A date (`2026-03-01`, midnight UTC) or a date-time with its offset; turned into ISO 8601 UTC in the handler. */
const timeParam = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .refine((v) => inStoredWindow(Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v)), 'a date in 1900–2199');

export const exportQuery = z.object({
  format: z.enum(['csv', 'xes']),
  definitionKey: z.string().min(1).max(200).optional(),
  version: z.coerce.number().int().min(1).optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  delimiter: z.enum([',', ';']).optional().meta({ description: 'CSV only: the field separator; `;` for Excel in locales with a decimal comma (Indonesian)' }),
  bom: z.enum(['true', 'false']).optional().meta({ description: 'CSV only: start with a UTF-8 byte order mark so that Excel reads UTF-8' }),
});

/** Throws ValidationError naming the CSV-only parameters given with another format. */
function checkCsvOnly(q: z.infer<typeof exportQuery>): void {
  if (q.format === 'csv') return;
  const given = (['delimiter', 'bom'] as const).filter((name) => q[name] !== undefined);
  if (given.length > 0) throw new ValidationError(`${given.join(', ')} apply to format=csv only`, given.map((name) => ({ name: `query.${name}`, message: 'applies to format=csv only' })));
}

export interface ExportRoutesOptions {
  /** Rows per keyset query (default 1000). */
  pageSize?: number;
}

const exportRoutes: FastifyPluginAsyncZod<ExportRoutesOptions> = async (app, options) => {
  const { db, definitions, clock } = app.services;

  app.get(
    '/audit/export',
    {
      schema: {
        tags: ['audit'],
        summary: 'Every step execution as CSV or as an XES event log (auditor)',
        description:
          'CSV (text/csv): a header row, then one row per step execution; `delimiter=;` and `bom=true` suit Excel in an Indonesian locale. XES (IEEE 1849-2016): a trace per instance, a `start` event per step at its clock start and a `complete` (or `ate_abort` when cancelled) event at its end. `from`/`to` (inclusive/exclusive) select steps by completion time, or creation time while open. An `auditor:<unit>` exports only the definitions of that unit. The body is streamed.',
        security,
        querystring: exportQuery,
        response: { 400: errorSchema, 403: errorSchema },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const units = user.roles.filter((r) => r.startsWith('auditor:')).map((r) => r.slice('auditor:'.length));
      const everyUnit = isAuditorOf(user, null);
      if (!everyUnit && units.length === 0) throw new ForbiddenError('the export needs the auditor role');
      const q = request.query;
      checkCsvOnly(q);
      if (q.definitionKey !== undefined) {
        const definition = await definitions.latest(q.definitionKey);
        if (!definition || !maySeeDefinition(user, definition)) throw new NotFoundError(`definition ${q.definitionKey} not found`);
      }
      const filter: ExportFilter = {
        ...(q.definitionKey === undefined ? {} : { definitionKey: q.definitionKey }),
        ...(q.version === undefined ? {} : { version: q.version }),
        ...(q.from === undefined ? {} : { from: new Date(q.from).toISOString() }),
        ...(q.to === undefined ? {} : { to: new Date(q.to).toISOString() }),
      };
      if (!everyUnit) {
        // A definition's unit is that of its latest version.
        filter.definitionKeys = (await definitions.listLatest()).filter((d) => d.metadata.unit !== null && units.includes(d.metadata.unit)).map((d) => d.key);
      }
      const exportedAt = clock().toISOString();
      const stamp = exportedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
      const base = `sop-audit-${(q.definitionKey ?? 'all').replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp}`;
      const pageSize = options.pageSize === undefined ? {} : { pageSize: options.pageSize };
      const [type, body] =
        q.format === 'csv'
          ? ['text/csv; charset=utf-8', csvExport(db.knex, filter, { ...pageSize, delimiter: q.delimiter ?? ',', bom: q.bom === 'true' })]
          : ['application/xml; charset=utf-8', xesExport(db.knex, filter, { ...pageSize, exportedAt })];
      request.log.info({ userId: user.id, format: q.format, filter, event: 'audit.exported' }, 'audit export');
      return (
        reply
          .type(type)
          .header('content-disposition', `attachment; filename="${base}.${q.format}"`)
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'no-store')
          // A stream goes out as it is, never through the JSON serializer; the cast only tells the type provider so.
          .send(Readable.from(body) as never)
      );
    },
  );
};

export default exportRoutes;
