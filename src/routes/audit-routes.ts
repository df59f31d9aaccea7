// Audit: an instance's trail of events, and verification of the hash chain.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser } from '../auth/auth-plugin.js';
import { isAuditorOf, isOwnerOf } from '../auth/roles.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import type { AuditEvent } from '../audit/audit-chain.js';
import { auditEventSchema, errorSchema, idParams } from './schemas.js';

const security = [{ bearer: [] }];

export function auditEventView(e: AuditEvent) {
  return {
    seq: e.seq,
    at: e.at,
    type: e.type,
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
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const { audit, instances, workflow } = app.services;

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
      const unit = (await workflow.definitionById(instance.definitionId)).metadata.unit;
      if (!isAuditorOf(user, unit) && !isOwnerOf(user, unit)) throw new ForbiddenError('the audit trail needs the auditor or owner role');
      return { instanceId: instance.id, events: (await audit.forInstance(instance.id)).map(auditEventView) };
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
      if (!isAuditorOf(currentUser(request), null)) throw new ForbiddenError('verifying the chain needs the auditor role');
      return audit.verify();
    },
  );
};

export default auditRoutes;
