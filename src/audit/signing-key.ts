// The service's Ed25519 key that signs audit checkpoints: read from AUDIT_KEY_FILE, or made at first start
// and kept beside the database (mode 0600), so checkpoints signed before a restart still verify after it.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface SigningKey {
  publicKeyPem: string;
  sign(message: string): string;
  verify(message: string, signature: string): boolean;
}

function wrap(privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey);
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (message) => sign(null, Buffer.from(message, 'utf8'), privateKey).toString('base64'),
    verify: (message, signature) => {
      try {
        return verify(null, Buffer.from(message, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
      } catch {
        return false;
      }
    },
  };
}

/** Loads the PEM key at `file`, creating it when missing. */
export function loadSigningKey(file: string): SigningKey {
  if (fs.existsSync(file)) {
    const key = createPrivateKey(fs.readFileSync(file, 'utf8'));
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 private key`);
    return wrap(key);
  }
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  try {
    fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process created it first: use that one, so every process signs with the same key.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadSigningKey(file);
    throw err;
  }
  return wrap(privateKey);
}

/** Where the key lives by default: beside an SQLite file, else in ./data. */
export function defaultKeyFile(databaseUrl: string): string {
  if (databaseUrl.startsWith('sqlite:') && databaseUrl !== 'sqlite::memory:') {
    return path.join(path.dirname(path.resolve(databaseUrl.slice('sqlite:'.length))), 'audit-signing-key.pem');
  }
  return path.resolve('data', 'audit-signing-key.pem');
}
