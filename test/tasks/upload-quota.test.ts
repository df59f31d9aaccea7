// The upload quotas against a usage: which limit a further upload passes, and when a user's window frees.
import t from 'tap';
import { RateLimitedError, TooLargeError } from '../../src/errors.js';
import { checkUploadQuota, UPLOAD_QUOTA, type UploadUsage } from '../../src/tasks/upload-quota.js';

const now = new Date('2026-03-02T01:00:00.000Z');
const none: UploadUsage = { taskFiles: 0, taskBytes: 0, userFiles: 0, userBytes: 0, userOldestAt: null };
const { perTask, perUser } = UPLOAD_QUOTA;

t.test('each limit is named by the error it throws', async (t) => {
  t.doesNotThrow(() => checkUploadQuota(none, perTask.bytes, now), 'one file of the whole task quota fits');
  const cases: Array<[string, Partial<UploadUsage>, number, typeof TooLargeError | typeof RateLimitedError, string]> = [
    ['task files', { taskFiles: perTask.files }, 1, TooLargeError, 'filesPerTask'],
    ['task bytes', { taskBytes: perTask.bytes - 10 }, 11, TooLargeError, 'bytesPerTask'],
    ['user files', { userFiles: perUser.files, userOldestAt: now.toISOString() }, 1, RateLimitedError, 'uploadsPerUser'],
    ['user bytes', { userBytes: perUser.bytes, userOldestAt: now.toISOString() }, 1, RateLimitedError, 'bytesPerUser'],
  ];
  for (const [what, usage, size, type, limit] of cases) {
    let thrown: unknown;
    try {
      checkUploadQuota({ ...none, ...usage }, size, now);
    } catch (err) {
      thrown = err;
    }
    t.ok(thrown instanceof type, `${what}: ${String(thrown)}`);
    t.equal((thrown as TooLargeError).details?.limit, limit, what);
  }
});

t.test('Retry-After is the time until the oldest upload leaves the window, at least a second', async (t) => {
  const oldest = new Date(now.getTime() - perUser.windowMs + 90_500).toISOString();
  try {
    checkUploadQuota({ ...none, userFiles: perUser.files, userOldestAt: oldest }, 1, now);
    t.fail('should throw');
  } catch (err) {
    t.equal((err as RateLimitedError).retryAfterS, 91);
  }
  try {
    checkUploadQuota({ ...none, userFiles: perUser.files, userOldestAt: new Date(now.getTime() - perUser.windowMs).toISOString() }, 1, now);
  } catch (err) {
    t.equal((err as RateLimitedError).retryAfterS, 1);
  }
});
