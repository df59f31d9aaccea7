// A temporary folder removed when the test ends.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sop-test-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
