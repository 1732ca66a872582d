import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Told whenever a connection is to be stored or read without a key. */
export const SECRET_KEY_MISSING =
  'SMART_SYNC_SECRET_KEY is not set: it is required to store or use a connection made through ' +
  "SuperOffice's sign-in (the refresh token is kept encrypted with it); make one with `openssl rand -hex 32`";

const VERSION = 'v1';
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A key of its own per sealed value: HKDF over the secret key with a random salt, so the
 * configured key is never used as an AES key directly and no (key, IV) pair can repeat.
 */
function keyFor(secretKey: string, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, salt, 'smart-sync stored connection v1', 32));
}

/**
 * AES-256-GCM: the secret cannot be read without the key, and a changed byte, or a value
 * moved to another provider's record (`context` is authenticated), fails to open.
 */
export function sealSecret(secret: string, secretKey: string, context: string): string {
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secretKey, salt), iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([salt, iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

export class SealedSecretError extends Error {
  override readonly name = 'SealedSecretError';
}

export function openSecret(sealed: string, secretKey: string, context: string): string {
  const [version, data] = sealed.split('.');
  if (version !== VERSION || !data) throw new SealedSecretError('the stored secret is not in a known format');
  const bytes = Buffer.from(data, 'base64url');
  if (bytes.length < SALT_BYTES + IV_BYTES + TAG_BYTES) {
    throw new SealedSecretError('the stored secret is truncated');
  }
  const salt = bytes.subarray(0, SALT_BYTES);
  const iv = bytes.subarray(SALT_BYTES, SALT_BYTES + IV_BYTES);
  const tag = bytes.subarray(SALT_BYTES + IV_BYTES, SALT_BYTES + IV_BYTES + TAG_BYTES);
  const body = bytes.subarray(SALT_BYTES + IV_BYTES + TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(secretKey, salt), iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw new SealedSecretError(
      'the stored secret cannot be decrypted: SMART_SYNC_SECRET_KEY has changed since it was stored; connect again',
    );
  }
}
