// Definitions: list, read, XML, and deploy (owners and admins).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser } from '../auth/auth-plugin.js';
import { isAnyOwner, isOwnerOf, maySeeDefinition } from '../auth/roles.js';
import type { User } from '../auth/users-repository.js';
import { ForbiddenError, NotFoundError, UnsupportedMediaError } from '../errors.js';
import type { DefinitionVersion } from '../definitions/definitions-repository.js';
import { buildSopSheet } from '../sop/sop-sheet.js';
import { renderSopSheetHtml, SOP_SHEET_CONTENT_SECURITY_POLICY } from '../sop/sop-sheet-html.js';
import { DIFF_COLUMNS, diffIdentity, diffSheets } from '../sop/sheet-diff.js';
import type { VersionLifeView } from '../definitions/version-lifecycle.js';
import {
  sopSheetSchema,
  definitionDetail,
  definitionQuery,
  definitionSummary,
  deployResult,
  errorSchema,
  keyParams,
  pageOf,
  sheetDiffQuery,
  sheetDiffSchema,
  suspensionBody,
  suspensionSchema,
  unitSchema,
  versionParams,
} from './schemas.js';

const security = [{ bearer: [] }];

/** A definition as listed; `zones` maps calendar ids to their time zones, so a unit's calendar shows its own. */
export function definitionView(d: DefinitionVersion, zones: ReadonlyMap<string, string> = new Map()) {
  return {
    key: d.key,
    version: d.version,
    name: d.name,
    organisation: d.metadata.identity?.organisation ?? null,
    calendar: d.metadata.calendar,
    timeZone: zones.get(d.metadata.calendar) ?? d.metadata.timeZone,
    stepCount: d.metadata.steps.length,
    roles: d.metadata.roles.map((r) => ({ id: r.id, name: r.name, initiator: r.initiator })),
    unit: d.metadata.unit ?? null,
  };
}

const versionRef = (v: VersionLifeView) => ({ version: v.version, effective: v.effective, effectiveFrom: v.effectiveFrom, suspended: v.suspendedAt !== null });

const XML_TYPES = ['application/xml', 'text/xml', 'application/bpmn+xml'];

/** Largest accepted BPMN upload. */
export const MAX_BPMN_BYTES = 5 * 1024 * 1024;

const definitionRoutes: FastifyPluginAsyncZod = async (app) => {
  const { definitions, deploy, calendars, versionStates } = app.services;
  const calendarZones = async () => new Map((await calendars.list()).map((c) => [c.id, c.timeZone]));

  app.addContentTypeParser(XML_TYPES, { parseAs: 'string', bodyLimit: MAX_BPMN_BYTES }, (_req, body, done) => done(null, body));

  /** A version the caller may see; another unit's SOP answers 404, as if it did not exist. */
  async function find(user: User, key: string, version?: number): Promise<DefinitionVersion> {
    const d = version === undefined ? await definitions.latest(key) : await definitions.byVersion(key, version);
    // A unit's scope follows the latest version, so an old version stays where the SOP is now.
    const latest = version === undefined ? d : await definitions.latest(key);
    if (!d || !latest || !maySeeDefinition(user, latest)) throw new NotFoundError(version === undefined ? `definition ${key} not found` : `definition ${key} version ${version} not found`);
    return d;
  }

  app.get(
    '/definitions',
    {
      schema: {
        tags: ['definitions'],
        summary: 'Latest version of every SOP the caller may see',
        description: "Admins and unscoped owners and auditors see every SOP; `owner:<unit>` and `auditor:<unit>` their unit's; everyone also the SOPs in whose lanes they hold a role.",
        security,
        response: { 200: pageOf(definitionSummary), 401: errorSchema },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const zones = await calendarZones();
      return { items: (await definitions.listLatest()).filter((d) => maySeeDefinition(user, d)).map((d) => definitionView(d, zones)), nextCursor: null };
    },
  );

  app.get(
    '/definitions/:key',
    { schema: { tags: ['definitions'], summary: 'One SOP definition', security, params: keyParams, querystring: definitionQuery, response: { 200: definitionDetail, 404: errorSchema } } },
    async (request) => {
      const d = await find(currentUser(request), request.params.key, request.query.version);
      const life = await versionStates.lifecycle(request.query.version === undefined ? d : ((await definitions.latest(d.key)) as DefinitionVersion));
      const byVersion = new Map(life.map((v) => [v.version, v]));
      const versions = (await definitions.versions(d.key)).map((v) => {
        const l = byVersion.get(v.version);
        return { ...v, effectiveFrom: l?.effectiveFrom ?? null, status: l?.status ?? ('superseded' as const) };
      });
      const current = life.find((v) => v.status === 'current');
      return {
        ...definitionView(d, await calendarZones()),
        versions,
        current: current ? versionRef(current) : null,
        scheduled: life.filter((v) => v.status === 'scheduled' && (!current || v.version > current.version)).map(versionRef),
      };
    },
  );

  app.get(
    '/definitions/:key/xml',
    { schema: { tags: ['definitions'], summary: 'The BPMN XML', security, params: keyParams, querystring: definitionQuery, response: { 200: z.string(), 404: errorSchema } } },
    async (request, reply) => {
      const d = await find(currentUser(request), request.params.key, request.query.version);
      const xml = (await definitions.xml(d.id)) as string;
      return reply.type('application/xml; charset=utf-8').serializer((p: unknown) => p as string).send(xml);
    },
  );

  app.get(
    '/definitions/:key/sop',
    {
      schema: {
        tags: ['definitions'],
        summary: 'The SOP sheet: identity and one step per sheet row (format=html: the printable SOP-AP page)',
        security,
        params: keyParams,
        querystring: definitionQuery.extend({ format: z.enum(['json', 'html']).default('json') }),
        response: { 200: sopSheetSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const d = await find(currentUser(request), request.params.key, request.query.version);
      const sheet = buildSopSheet(d.key, d.version, d.metadata);
      if (request.query.format === 'html') {
        // The html page bypasses the JSON response schema; the cast only tells the type provider so.
        return reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', SOP_SHEET_CONTENT_SECURITY_POLICY)
          .serializer((p: unknown) => p as string).send(renderSopSheetHtml(sheet) as unknown as typeof sheet);
      }
      return sheet;
    },
  );

  app.get(
    '/definitions/:key/sop/diff',
    {
      schema: {
        tags: ['definitions'],
        summary: "The row-by-row difference of two versions' SOP sheets (the revision history)",
        description: 'Rows are matched by task id: the rows of `toVersion` in its order, then those `fromVersion` had and `toVersion` no longer has. `identity` lists the changed fields of the identity block (Tanggal Revisi …).',
        security,
        params: keyParams,
        querystring: sheetDiffQuery,
        response: { 200: sheetDiffSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const { fromVersion, toVersion } = request.query;
      const from = await find(user, request.params.key, fromVersion);
      const to = await find(user, request.params.key, toVersion);
      const a = buildSopSheet(from.key, from.version, from.metadata);
      const b = buildSopSheet(to.key, to.version, to.metadata);
      const rows = diffSheets(a, b).map((r) => ({ elementId: r.elementId, kind: r.kind, changed: r.changed, before: r.before ?? null, after: r.after ?? null }));
      const count = (kind: string) => rows.filter((r) => r.kind === kind).length;
      return {
        key: from.key,
        fromVersion,
        toVersion,
        columns: DIFF_COLUMNS.map((c) => ({ key: c.key, label: c.label })),
        identity: diffIdentity(a.identity as unknown as Record<string, unknown>, b.identity as unknown as Record<string, unknown>),
        summary: { same: count('same'), changed: count('changed'), added: count('added'), removed: count('removed') },
        rows,
      };
    },
  );

  for (const action of ['suspend', 'resume'] as const) {
    app.post(
      `/definitions/:key/versions/:v/${action}`,
      {
        schema: {
          tags: ['definitions'],
          summary: action === 'suspend' ? 'Suspend a version: no new case starts on it, its running cases finish (owner of the unit, admin)' : 'Resume a suspended version (owner of the unit, admin)',
          description: `Audited as definition.${action === 'suspend' ? 'suspended' : 'resumed'}; doing it twice changes nothing.`,
          security,
          params: versionParams,
          body: suspensionBody.nullish(),
          response: { 200: suspensionSchema, 403: errorSchema, 404: errorSchema },
        },
      },
      async (request) => versionStates[action](currentUser(request), request.params.key, request.params.v, request.body?.reason),
    );
  }

  app.post(
    '/definitions',
    {
      bodyLimit: MAX_BPMN_BYTES,
      // Other parsers (JSON) accept the body too; a deploy takes XML only, and says so before validating.
      preValidation: async (request) => {
        const type = String(request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
        if (!XML_TYPES.includes(type)) throw new UnsupportedMediaError(`a deploy takes BPMN XML (${XML_TYPES.join(', ')}), not '${type || 'no content type'}'`);
      },
      schema: {
        tags: ['definitions'],
        summary: 'Deploy BPMN XML (owner, admin)',
        description: 'Body: BPMN 2.0 XML (application/xml, text/xml or application/bpmn+xml). A changed diagram becomes version N+1; the same XML as the latest version answers 200 and creates nothing.',
        security,
        consumes: XML_TYPES,
        body: z.string().min(1, 'the BPMN XML is empty'),
        response: { 200: deployResult, 201: deployResult, 400: errorSchema, 403: errorSchema, 413: errorSchema, 415: errorSchema },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      if (!isAnyOwner(user)) throw new ForbiddenError('deploying needs the owner or admin role');
      // A process that names no unit belongs to the deployer's, when they own exactly one (owner:<unit>).
      const units = user.roles.filter((r) => r.startsWith('owner:')).map((r) => r.slice('owner:'.length));
      const result = await deploy.deploy(request.body, user.id, (unit) => isOwnerOf(user, unit), units.length === 1 ? (units[0] as string) : null);
      return reply.status(result.created ? 201 : 200).send({ definitions: result.definitions, warnings: result.warnings });
    },
  );

  app.post(
    '/definitions/:key/transfer',
    {
      schema: {
        tags: ['definitions'],
        summary: "Give a SOP key to another unit (admin), audited as definition.transferred",
        description: "From then on only the new unit's owners deploy the key, and its next version carries that unit's lanes; until then its cases stay where the latest version's lanes put them. `unit` null: no single unit (admins and unscoped owners only).",
        security,
        params: keyParams,
        body: z.object({ unit: unitSchema.nullable(), reason: z.string().trim().min(1).max(2000) }).strict(),
        response: { 200: z.object({ key: z.string(), unit: z.string().nullable(), previousUnit: z.string().nullable() }), 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => app.services.keyTransfer.transfer(currentUser(request), request.params.key, request.body.unit, request.body.reason),
  );
};

export default definitionRoutes;
