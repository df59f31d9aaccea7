// Reading back what was recorded at a confidential step: only the user who recorded it may, and every read
// is itself an audit event (`content.read`) committed before the content leaves the service.
import type { Knex } from 'knex';
import type { AuditChain } from '../audit/audit-chain.js';
import type { User } from '../auth/users-repository.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import type { AttachmentInfo, AttachmentsRepository } from '../tasks/attachments.js';
import { aboutTask } from '../tasks/task-audit.js';
import type { TaskRecord, TasksRepository } from '../tasks/tasks-repository.js';
import type { ContentCipher } from './content-cipher.js';
import { openContent, type ConfidentialContent } from './confidential-content.js';

export interface ContentReadDeps {
  knex: Knex;
  tasks: TasksRepository;
  attachments: AttachmentsRepository;
  audit: AuditChain;
  cipher: ContentCipher;
  clock: () => Date;
}

export const AUTHOR_ONLY = 'isi langkah rahasia hanya dapat dibaca oleh pencatatnya';
export const OWN_TOKEN_ONLY = 'isi rahasia hanya dapat dibaca dengan token milik Anda sendiri: ganti token Anda dulu (POST /me/token)';

/**
 * Sealed content needs its author's own credential: a token an admin issued (or the service) is an enrolment token,
 * so an admin who rotates the author's token cannot read it with the token they were given.
 */
function checkOwnCredential(user: User): void {
  if (user.tokenSource !== 'self' && user.tokenSource !== 'config') throw new ForbiddenError(OWN_TOKEN_ONLY, { reason: 'enrolment-token' });
}

export function contentReads(deps: ContentReadDeps) {
  const { knex, tasks, attachments, audit, cipher, clock } = deps;

  async function logRead(user: User, task: TaskRecord, what: Record<string, unknown>): Promise<void> {
    await knex.transaction(async (trx) => {
      await audit.append(trx, [
        { type: 'content.read', at: clock().toISOString(), ...aboutTask(task), userId: user.id, data: what },
      ]);
    });
  }

  return {
    /** The sealed content of a completed confidential step, for its author. */
    async taskContent(user: User, task: TaskRecord): Promise<ConfidentialContent & { taskId: string; recordedBy: string; recordedAt: string }> {
      const sealed = task.contentSealed ? await tasks.sealedContent(task.id) : undefined;
      if (!sealed || !task.completedBy || !task.completedAt) throw new NotFoundError(`no confidential content was recorded at task ${task.id}`);
      if (task.completedBy !== user.id) throw new ForbiddenError(AUTHOR_ONLY);
      checkOwnCredential(user);
      const content = openContent(cipher, task.id, sealed);
      await logRead(user, task, { content: 'task' });
      return { taskId: task.id, recordedBy: task.completedBy, recordedAt: task.completedAt, ...content };
    },
    /** A file uploaded at a confidential step, for its uploader; other files as they are. */
    async attachmentContent(user: User, task: TaskRecord, info: AttachmentInfo): Promise<Buffer> {
      if (info.sealed && info.uploadedBy !== user.id) throw new ForbiddenError(AUTHOR_ONLY);
      if (info.sealed) checkOwnCredential(user);
      const content = (await attachments.content(info.id)) as Buffer;
      if (info.sealed) await logRead(user, task, { content: 'attachment', attachmentId: info.id, sha256: info.sha256 });
      return content;
    },
  };
}

export type ContentReads = ReturnType<typeof contentReads>;
