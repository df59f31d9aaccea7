// Audit: an instance's trail of events, and verification of the hash chain.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser } from '../auth/auth-plugin.js';
import { isAnyAuditor, isAuditorOf, isOwnerOf } from '../auth/roles.js';
import { maySeeInstance } from '../instances/instance-access.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import type { AuditEvent } from '../audit/audit-chain.js';
import { SECURITY_EVENT_TYPES } from '../audit/security-events.js';
import { decodeCursor, encodeCursor, keysetCursor } from '../http/cursor.js';
import { auditEventSchema, errorSchema, idParams, instantSchema, listQuery, pageOf } from './schemas.js';

const securityEventSchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    type: z.enum(SECURITY_EVENT_TYPES),
    userId: z.string().nullable(),
    role: z.string().nullable(),
    definitionKey: z.string().nullable(),
    version: z.number().int().nullable(),
    instanceId: z.string().nullable(),
    taskId: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
    hash: z.string(),
  })
  .meta({ id: 'SecurityEvent' });
const securityEventQuery = listQuery.extend({
  type: z.enum(SECURITY_EVENT_TYPES).optional(),
  userId: z.string().min(1).max(100).optional().describe('the user who acted, or the user acted on (changed, rotated, delegator, delegate)'),
  from: instantSchema.optional().describe('at or after'),
  to: instantSchema.optional().describe('before'),
});
const isKeyset = keysetCursor(['s']);
const isSeqCursor = (v: unknown): v is { s: string } => isKeyset(v) && /^\d{1,15}$/.test(v.s);

const security = [{ bearer: [] }];

export function auditEventView(e: AuditEvent) {
  return {
    seq: e.seq,
    at: e.at,
    type: e.type,
    version: e.version,
    instanceId: e.instanceId,
    taskId: e.taskId,
    elementId: e.elementId,
    step: e.step,
    userId: e.userId,
    role: e.role,
    documents: e.documents,
    output: e.output,
    workingMs: e.workingMs,
    wallMs: e.wallMs,
    standardMs: e.standardMs,
    breached: e.breached,
    actingFor: typeof e.data?.actingFor === 'string' ? e.data.actingFor : null,
    parentInstanceId: typeof e.data?.parentInstanceId === 'string' ? e.data.parentInstanceId : null,
    childInstanceId: typeof e.data?.childInstanceId === 'string' ? e.data.childInstanceId : null,
    ...(e.type === 'task.rescheduled' ? { dueAt: e.data?.dueAt as { from: string | null; to: string } } : {}),
    ...(e.type === 'task.created' && e.data?.candidateGroups ? { assignment: e.data as { candidateGroups: string[]; candidateUsers: string[]; assignee: string | null } } : {}),
    ...(e.type === 'instance.migrated' ? { migration: e.data as { fromVersion: number; toVersion: number; tasks: unknown[] } } : {}),
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const { audit, instances, workflow, signingKey, clock } = app.services;
  const checkpointMessage = (c: { seq: number; hash: string; at: string }) => `sop-audit-checkpoint:v1:${c.seq}:${c.hash}:${c.at}`;
  const checkpointSchema = z.object({ seq: z.number().int().min(0), hash: z.string().regex(/^[0-9a-f]{64}$/), at: z.string().min(1).max(40), signature: z.string().min(1).max(200) });
  const requireAuditor = (request: Parameters<typeof currentUser>[0]) => {
    // The chain is one for the whole service; an auditor of one unit checks it too.
    if (!isAnyAuditor(currentUser(request))) throw new ForbiddenError('this needs the auditor role');
  };

  app.get(
    '/audit/instances/:id',
    {
      schema: {
        tags: ['audit'],
        summary: "An instance's audit trail, in order (auditor, owner)",
        description: 'The whole trail of one instance, oldest first; not paged.',
        security,
        params: idParams,
        response: { 200: z.object({ instanceId: z.string(), events: z.array(auditEventSchema) }), 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const instance = await instances.byId(request.params.id);
      if (!instance) throw new NotFoundError(`instance ${request.params.id} not found`);
      const definition = await workflow.definitionById(instance.definitionId);
      // Another unit's case does not exist for the caller; its own applicant sees the case, not its trail.
      if (!maySeeInstance(user, instance, definition)) throw new NotFoundError(`instance ${request.params.id} not found`);
      const unit = definition.metadata.unit;
      if (!isAuditorOf(user, unit) && !isOwnerOf(user, unit)) throw new ForbiddenError('the audit trail needs the auditor or owner role');
      return { instanceId: instance.id, events: (await audit.forInstance(instance.id)).map(auditEventView) };
    },
  );

  app.get(
    '/audit/events',
    {
      schema: {
        tags: ['audit'],
        summary: 'Security and administration events: users, tokens, delegations, deploys, key transfers, calendars, sealed reads (auditor, admin)',
        description: "Oldest first. Admins and auditors of every unit see all; `auditor:<unit>` the events about their unit's SOP keys, roles and users.",
        security,
        querystring: securityEventQuery,
        response: { 200: pageOf(securityEventSchema), 400: errorSchema, 403: errorSchema },
      },
    },
    async (request) => {
      const q = request.query;
      const after = decodeCursor(q.cursor, isSeqCursor);
      const page = await app.services.security.list(currentUser(request), {
        type: q.type,
        userId: q.userId,
        from: q.from === undefined ? undefined : new Date(q.from).toISOString(),
        to: q.to === undefined ? undefined : new Date(q.to).toISOString(),
        afterSeq: after ? Number(after.s) : 0,
        limit: q.limit,
      });
      const last = page.items.at(-1);
      return {
        items: page.items.map((e) => ({ seq: e.seq, at: e.at, type: e.type as (typeof SECURITY_EVENT_TYPES)[number], userId: e.userId, role: e.role, definitionKey: e.definitionKey, version: e.version, instanceId: e.instanceId, taskId: e.taskId, data: e.data, hash: e.hash })),
        nextCursor: page.more && last ? encodeCursor({ s: String(last.seq) }) : null,
      };
    },
  );

  app.get(
    '/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Recompute the hash chain of audit events (auditor)',
        security,
        response: { 200: z.object({ ok: z.boolean(), events: z.number().int(), brokenAt: z.number().int().optional() }), 403: errorSchema },
      },
    },
    async (request) => {
      requireAuditor(request);
      return audit.verify();
    },
  );

  app.get(
    '/audit/checkpoint',
    {
      schema: {
        tags: ['audit'],
        summary: "The chain head signed with the service's Ed25519 key (auditor)",
        description: 'Keep checkpoints outside the service; POST one to /audit/checkpoint/verify later to prove that nobody rewrote the chain up to it. The signature covers `sop-audit-checkpoint:v1:<seq>:<hash>:<at>`.',
        security,
        response: { 200: checkpointSchema.extend({ publicKey: z.string() }), 403: errorSchema },
      },
    },
    async (request) => {
      requireAuditor(request);
      const head = await audit.head();
      const checkpoint = { seq: head.seq, hash: head.hash, at: clock().toISOString() };
      return { ...checkpoint, signature: signingKey.sign(checkpointMessage(checkpoint)), publicKey: signingKey.publicKeyPem };
    },
  );

  app.post(
    '/audit/checkpoint/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Check a kept checkpoint: is it ours, and does the chain still lead to it? (auditor)',
        security,
        body: checkpointSchema.strict(),
        response: { 200: z.object({ signatureValid: z.boolean(), chainMatches: z.boolean(), recomputedHash: z.string().nullable(), headSeq: z.number().int() }), 400: errorSchema, 403: errorSchema },
      },
    },
    async (request) => {
      requireAuditor(request);
      const c = request.body;
      const recomputed = c.seq === 0 ? '0'.repeat(64) : await audit.recomputeTo(c.seq);
      return {
        signatureValid: signingKey.verify(checkpointMessage(c), c.signature),
        chainMatches: recomputed === c.hash,
        recomputedHash: recomputed ?? null,
        headSeq: (await audit.head()).seq,
      };
    },
  );
};

export default auditRoutes;
