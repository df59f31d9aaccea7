// Documents as evidence: upload a file to a task (multipart), read it back if you may read the task.
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser } from '../auth/auth-plugin.js';
import { ConflictError, ForbiddenError, NotFoundError, UnsupportedMediaError } from '../errors.js';
import { multipartLimits, readUpload } from '../http/multipart-upload.js';
import { mayAct, mayRead } from '../tasks/task-access.js';
import { MAX_ATTACHMENT_BYTES } from '../tasks/attachments.js';
import { UPLOAD_QUOTA } from '../tasks/upload-quota.js';
import { errorSchema, idParams } from './schemas.js';
import { MULTIPART_FORM } from '../http/openapi-transform.js';

const security = [{ bearer: [] }];
const { perTask, perUser } = UPLOAD_QUOTA;
const QUOTA_TEXT =
  `A task holds at most ${perTask.files} documents and ${perTask.bytes / 2 ** 20} MiB (413 naming \`filesPerTask\` or \`bytesPerTask\`); ` +
  `a user uploads at most ${perUser.files} files and ${perUser.bytes / 2 ** 20} MiB in ${perUser.windowMs / 60_000} minutes (429 SOP_ERR_RATE_LIMITED naming \`uploadsPerUser\` or \`bytesPerUser\`, with Retry-After).`;
const attachmentSchema = z.object({ id: z.string(), name: z.string(), sha256: z.string(), size: z.number().int(), contentType: z.string() }).meta({ id: 'Attachment' });

const attachmentRoutes: FastifyPluginAsyncZod = async (app) => {
  const { workflow, attachments, confidential, clock } = app.services;
  await app.register(multipart, { limits: multipartLimits(MAX_ATTACHMENT_BYTES) });

  app.post(
    '/tasks/:id/attachments',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Upload a document for a task (multipart/form-data: `file`, optional `name` = the kelengkapan it fulfils)',
        description: `Accepted: PDF, PNG, JPEG, plain text, DOCX, XLSX, at most 10 MiB. Name the returned id as \`attachmentId\` of a document when completing the task. ${QUOTA_TEXT}`,
        security,
        params: idParams,
        consumes: ['multipart/form-data'],
        [MULTIPART_FORM]: {
          file: { type: 'file', description: 'the document (PDF, PNG, JPEG, plain text, DOCX, XLSX; at most 10 MiB)', required: true },
          name: { type: 'text', description: 'the kelengkapan it fulfils (default: the file name)' },
        },
        response: { 201: attachmentSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 413: errorSchema, 415: errorSchema, 429: errorSchema },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const { task, definition } = await workflow.visibleTask(user, request.params.id);
      if (!mayAct(user, task, definition.metadata.unit)) throw new ForbiddenError(`task ${task.id} needs the role ${task.role ?? 'owner'}`);
      if (task.status === 'completed' || task.status === 'cancelled') throw new ConflictError(`task ${task.id} is ${task.status}`, task.status);
      if (!request.isMultipart()) throw new UnsupportedMediaError('upload the file as multipart/form-data with a part named file');
      await attachments.checkQuota({ taskId: task.id, userId: user.id, size: 0, at: clock().toISOString() });
      const upload = await readUpload(request, MAX_ATTACHMENT_BYTES);
      const info = await attachments.add({
        taskId: task.id,
        instanceId: task.instanceId,
        definitionKey: task.definitionKey,
        version: task.version,
        elementId: task.elementId,
        name: upload.name ?? (upload.filename || 'dokumen'),
        contentType: upload.type,
        content: upload.content,
        confidential: definition.metadata.steps.some((s) => s.elementId === task.elementId && s.confidential),
        userId: user.id,
        at: clock().toISOString(),
      });
      request.log.info({ instanceId: task.instanceId, taskId: task.id, attachmentId: info.id, sha256: info.sha256, event: 'attachment.added' }, 'attachment added');
      return reply.status(201).send({ id: info.id, name: info.name, sha256: info.sha256, size: info.size, contentType: info.contentType });
    },
  );

  app.get(
    '/attachments/:id',
    { schema: { tags: ['tasks'], summary: 'Download a document (whoever may read its task; a file of a confidential step: its uploader only)', security, params: idParams, response: { 403: errorSchema, 404: errorSchema } } },
    async (request, reply) => {
      const user = currentUser(request);
      const info = await attachments.info(request.params.id);
      if (!info) throw new NotFoundError(`attachment ${request.params.id} not found`);
      // A document of a case the caller cannot see does not exist for them.
      const { task, definition } = await workflow.visibleTask(user, info.taskId).catch((err: unknown) => {
        throw err instanceof NotFoundError ? new NotFoundError(`attachment ${request.params.id} not found`) : err;
      });
      if (!mayRead(user, task, definition.metadata.unit)) throw new ForbiddenError('this document belongs to a task you may not read');
      const content = await confidential.attachmentContent(user, task, info);
      const ascii = info.name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
      return reply
        .type(info.contentType)
        .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(info.name)}`)
        .header('x-content-type-options', 'nosniff')
        .header('x-sha256', info.sha256)
        // A Buffer goes out as it is, never through the JSON serializer; the cast only tells the type provider so.
        .send(content as never);
    },
  );
};

export default attachmentRoutes;
