// How much a task may hold and how fast one user may upload: the limits, and the check of a usage against them.
import { RateLimitedError, TooLargeError } from '../errors.js';

/**
 * Upload quotas. Per task, what it may hold in all (its kelengkapan are a handful of documents; re-uploads after a
 * mistake fit): over it answers 413 naming the limit. Per user, what they may upload in a sliding window (a person
 * scanning documents stays far below; a script sending files in a loop does not): over it answers 429 with the
 * seconds until the oldest upload in the window leaves it.
 */
export const UPLOAD_QUOTA = {
  perTask: { files: 20, bytes: 100 * 1024 * 1024 },
  perUser: { files: 60, bytes: 300 * 1024 * 1024, windowMs: 10 * 60_000 },
} as const;

/** What is stored already: the task's files, and the user's uploads since the window's start. */
export interface UploadUsage {
  taskFiles: number;
  taskBytes: number;
  userFiles: number;
  userBytes: number;
  /** When the oldest of the user's uploads in the window was made (ISO), or null when there is none. */
  userOldestAt: string | null;
}

/**
 * Throws when one more upload of `size` bytes at `now` would pass a quota: TooLargeError (413) for a task's
 * `filesPerTask` or `bytesPerTask`, RateLimitedError (429) for a user's `uploadsPerUser` or `bytesPerUser`.
 */
export function checkUploadQuota(usage: UploadUsage, size: number, now: Date): void {
  const { perTask, perUser } = UPLOAD_QUOTA;
  if (usage.taskFiles + 1 > perTask.files) {
    throw new TooLargeError(`a task holds at most ${perTask.files} documents`, { limit: 'filesPerTask', max: perTask.files });
  }
  if (usage.taskBytes + size > perTask.bytes) {
    throw new TooLargeError(`a task holds at most ${perTask.bytes} bytes of documents`, { limit: 'bytesPerTask', max: perTask.bytes });
  }
  const retryAfterS = Math.max(1, Math.ceil((Date.parse(usage.userOldestAt ?? now.toISOString()) + perUser.windowMs - now.getTime()) / 1000));
  const minutes = perUser.windowMs / 60_000;
  if (usage.userFiles + 1 > perUser.files) {
    throw new RateLimitedError(`at most ${perUser.files} uploads per user in ${minutes} minutes`, 'uploadsPerUser', retryAfterS, perUser.files);
  }
  if (usage.userBytes + size > perUser.bytes) {
    throw new RateLimitedError(`at most ${perUser.bytes} bytes of uploads per user in ${minutes} minutes`, 'bytesPerUser', retryAfterS, perUser.bytes);
  }
}
