// Evidence documents of a task: type-checked on upload, hashed with SHA-256, stored with an audit event.
import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { AuditChain } from '../audit/audit-chain.js';
import type { ContentCipher } from '../privacy/content-cipher.js';
import { attachmentContext } from '../privacy/confidential-content.js';
import { ValidationError } from '../errors.js';
import { checkUploadQuota, UPLOAD_QUOTA, type UploadUsage } from './upload-quota.js';

export interface AttachmentInfo {
  id: string;
  taskId: string;
  instanceId: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
  /** Uploaded at a confidential step: stored sealed, readable by its uploader only. */
  sealed: boolean;
}

/** Largest accepted file. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** The types an SOP's kelengkapan arrive in; each with the bytes its files must start with, where it has some. */
export const ATTACHMENT_TYPES: Record<string, Buffer | null> = {
  'application/pdf': Buffer.from('%PDF-'),
  'image/png': Buffer.from([0x89, 0x50, 0x4e, 0x47]),
  'image/jpeg': Buffer.from([0xff, 0xd8, 0xff]),
  'text/plain': null,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': Buffer.from('PK'),
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': Buffer.from('PK'),
};

interface AttachmentRow {
  id: string;
  task_id: string;
  instance_id: string;
  name: string;
  content_type: string;
  size: number | string;
  sha256: string;
  content?: Buffer;
  uploaded_by: string;
  uploaded_at: string;
  sealed: boolean | number;
}

const INFO = ['id', 'task_id', 'instance_id', 'name', 'content_type', 'size', 'sha256', 'uploaded_by', 'uploaded_at', 'sealed'];

function toInfo(row: AttachmentRow): AttachmentInfo {
  return {
    id: row.id,
    taskId: row.task_id,
    instanceId: row.instance_id,
    name: row.name,
    contentType: row.content_type,
    size: Number(row.size),
    sha256: row.sha256,
    uploadedBy: row.uploaded_by,
    uploadedAt: row.uploaded_at,
    sealed: Boolean(row.sealed),
  };
}

/** Checks the declared type against the list and the file's first bytes. */
export function checkContent(contentType: string, content: Buffer): void {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!Object.hasOwn(ATTACHMENT_TYPES, type)) {
    throw new ValidationError(`file type ${type || 'unknown'} is not accepted`, [{ name: 'file', message: `accepted: ${Object.keys(ATTACHMENT_TYPES).join(', ')}` }]);
  }
  const magic = ATTACHMENT_TYPES[type];
  if (magic && !content.subarray(0, magic.length).equals(magic)) {
    throw new ValidationError(`the file is not a ${type}`, [{ name: 'file', message: `its content does not look like ${type}` }]);
  }
  if (content.length === 0) throw new ValidationError('the file is empty', [{ name: 'file', message: 'empty' }]);
}

/** What the task holds and what the user uploaded in the quota's window before `at` (ISO). */
async function usage(db: Knex, taskId: string, userId: string, at: string): Promise<UploadUsage> {
  const since = new Date(Date.parse(at) - UPLOAD_QUOTA.perUser.windowMs).toISOString();
  type Sums = { n: number | string; bytes: number | string | null; oldest?: string | null };
  const task = (await db('attachments').where({ task_id: taskId }).count({ n: '*' }).sum({ bytes: 'size' }).first()) as Sums;
  const user = (await db('attachments').where({ uploaded_by: userId }).andWhere('uploaded_at', '>', since).count({ n: '*' }).sum({ bytes: 'size' }).min({ oldest: 'uploaded_at' }).first()) as Sums;
  return { taskFiles: Number(task.n), taskBytes: Number(task.bytes ?? 0), userFiles: Number(user.n), userBytes: Number(user.bytes ?? 0), userOldestAt: user.oldest ?? null };
}

/**
 * Makes concurrent uploads to one task or by one user take turns until they commit (PostgreSQL; SQLite has one
 * writer at a time already), so that a burst cannot pass a quota between its check and its insert. Always the
 * task first, then the user.
 */
async function lockQuota(trx: Knex.Transaction, taskId: string, userId: string): Promise<void> {
  if (trx.client.config.client !== 'pg') return;
  await trx('tasks').select('id').where({ id: taskId }).forUpdate();
  await trx('users').select('id').where({ id: userId }).forUpdate();
}

export function attachmentsRepository(knex: Knex, audit: AuditChain, cipher: ContentCipher) {
  return {
    /**
     * Throws as the upload quotas (upload-quota.ts) would for one more file of `size` bytes at `at`: checked before
     * a file is read, so a spent quota costs no body; add() checks again, authoritatively, in its transaction.
     */
    async checkQuota(input: { taskId: string; userId: string; size: number; at: string }): Promise<void> {
      checkUploadQuota(await usage(knex, input.taskId, input.userId, input.at), input.size, new Date(input.at));
    },
    async add(input: { taskId: string; instanceId: string; definitionKey: string; version: number; elementId: string; name: string; contentType: string; content: Buffer; confidential: boolean; userId: string; at: string }): Promise<AttachmentInfo> {
      checkContent(input.contentType, input.content);
      const id = randomUUID();
      const row: AttachmentRow = {
        id,
        task_id: input.taskId,
        instance_id: input.instanceId,
        name: input.name,
        content_type: input.contentType.split(';')[0]?.trim().toLowerCase() ?? 'application/octet-stream',
        size: input.content.length,
        sha256: createHash('sha256').update(input.content).digest('hex'),
        // The hash is of the file itself, so the trail proves which file was given; the bytes stored are sealed at a confidential step.
        content: input.confidential ? cipher.seal(input.content, attachmentContext(id)) : input.content,
        uploaded_by: input.userId,
        uploaded_at: input.at,
        sealed: input.confidential,
      };
      await knex.transaction(async (trx) => {
        await lockQuota(trx, input.taskId, input.userId);
        checkUploadQuota(await usage(trx, input.taskId, input.userId, input.at), row.size as number, new Date(input.at));
        await trx('attachments').insert(row);
        await audit.append(trx, [
          {
            type: 'attachment.added',
            at: input.at,
            definitionKey: input.definitionKey,
            version: input.version,
            instanceId: input.instanceId,
            taskId: input.taskId,
            elementId: input.elementId,
            userId: input.userId,
            documents: [{ name: row.name, ref: `attachment:${row.id}`, sha256: row.sha256 }],
          },
        ]);
      });
      return toInfo(row);
    },
    async info(id: string, trx: Knex = knex): Promise<AttachmentInfo | undefined> {
      const row = (await trx('attachments').select(INFO).where({ id }).first()) as AttachmentRow | undefined;
      return row ? toInfo(row) : undefined;
    },
    /** The file's bytes, opened when it was stored sealed. */
    async content(id: string): Promise<Buffer | undefined> {
      const row = (await knex('attachments').select('content', 'sealed').where({ id }).first()) as { content: Buffer | Uint8Array; sealed: boolean | number } | undefined;
      if (!row) return undefined;
      const bytes = Buffer.from(row.content);
      return row.sealed ? cipher.open(bytes, attachmentContext(id)) : bytes;
    },
  };
}

export type AttachmentsRepository = ReturnType<typeof attachmentsRepository>;
