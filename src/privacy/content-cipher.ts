// The key that seals what is recorded at a confidential step (AES-256-GCM). It comes from CONTENT_KEY
// (base64 of 32 bytes) or from a key file beside the database, made at first start (mode 0600); it is
// never in the repository or in the database, so a copy of the database alone reveals no content.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 1;

export interface ContentCipher {
  /** First 16 hex digits of the key's SHA-256: names the key a sealed value needs without revealing it. */
  keyId: string;
  /**
   * Seals `plaintext`, bound to `context` (e.g. `task:<id>`): a sealed value moved to another row does not
   * open there. Layout: version byte, 8-byte key id, 12-byte IV, 16-byte tag, ciphertext.
   */
  seal(plaintext: Buffer, context: string): Buffer;
  /** Opens a sealed value; throws when the key, the context or a single byte differs. */
  open(sealed: Buffer, context: string): Buffer;
}

export class ContentKeyError extends Error {}

export function contentCipher(key: Buffer): ContentCipher {
  if (key.length !== KEY_BYTES) throw new ContentKeyError(`the content key must be ${KEY_BYTES} bytes, not ${key.length}`);
  const id = createHash('sha256').update(key).digest().subarray(0, 8);
  return {
    keyId: id.toString('hex'),
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), id, iv, cipher.getAuthTag(), body]);
    },
    open(sealed, context) {
      const head = 1 + id.length + IV_BYTES + TAG_BYTES;
      if (sealed.length < head || sealed[0] !== VERSION) throw new ContentKeyError('not a sealed value of this service');
      if (!sealed.subarray(1, 1 + id.length).equals(id)) {
        throw new ContentKeyError(`sealed with key ${sealed.subarray(1, 1 + id.length).toString('hex')}, but the service has key ${id.toString('hex')}`);
      }
      const iv = sealed.subarray(1 + id.length, 1 + id.length + IV_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(sealed.subarray(1 + id.length + IV_BYTES, head));
      return Buffer.concat([decipher.update(sealed.subarray(head)), decipher.final()]);
    },
  };
}

/** Parses CONTENT_KEY: base64 (or hex) of 32 bytes. */
export function parseContentKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) throw new ContentKeyError(`CONTENT_KEY must be 32 bytes in base64 or hex, got ${key.length} bytes`);
  return key;
}

/** Loads the key file, creating it when missing; a racing process that created it first wins. */
export function loadContentKeyFile(file: string): Buffer {
  if (fs.existsSync(file)) return parseContentKey(fs.readFileSync(file, 'utf8'));
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const key = randomBytes(KEY_BYTES);
  // Written whole under another name, then linked into place: nobody ever reads a half-written key.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(draft, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(draft, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return parseContentKey(fs.readFileSync(file, 'utf8'));
  } finally {
    fs.rmSync(draft, { force: true });
  }
  return key;
}

/** Where the key file lives by default: beside an SQLite file, else in ./data. */
export function defaultContentKeyFile(databaseUrl: string): string {
  if (databaseUrl.startsWith('sqlite:') && databaseUrl !== 'sqlite::memory:') {
    return path.join(path.dirname(path.resolve(databaseUrl.slice('sqlite:'.length))), 'content-key');
  }
  return path.resolve('data', 'content-key');
}
