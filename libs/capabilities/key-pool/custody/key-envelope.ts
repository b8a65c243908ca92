import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Envelope encryption of product keys at rest (node:crypto only). Each key gets its own random data key
 * (AES-256-GCM, 96-bit random nonce); the data key is wrapped by the current key-encryption key (KEK), also
 * AES-256-GCM. Both carry the same additional authenticated data, which binds the record to its partner tenant,
 * offer, version and pool record id: a ciphertext or wrapped key copied to another row does not decrypt.
 */

export interface KeyEncryptionKey {
  kid: string;
  /** 32 bytes. */
  key: Buffer;
}

/** Where a sealed key belongs: what the AAD binds. */
export interface KeyBinding {
  partnerTenantId: string;
  offerId: string;
  version: string;
  recordId: string;
}

/** What the vault stores for one key: `nonce (12) | ciphertext | tag (16)` twice, and the KEK's id. */
export interface SealedKey {
  kekId: string;
  wrappedDek: Buffer;
  ciphertext: Buffer;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const AAD_VERSION = 'csp-keypool/v1';

/** A failed decryption, fail closed: the caller alerts and serves nothing. Never carries key material. */
export class KeyDecryptionError extends Error {
  constructor(
    readonly recordId: string,
    readonly reason: 'unknown_kek' | 'authentication_failed',
    readonly kekId: string,
  ) {
    super(
      reason === 'unknown_kek'
        ? `pool record ${recordId} is wrapped by KEK "${kekId}", which is not configured`
        : `pool record ${recordId} failed authentication (tampered, moved or wrong KEK "${kekId}")`,
    );
    this.name = 'KeyDecryptionError';
  }
}

/** The configured KEKs, the first being current (KEY_ENCRYPTION_KEYS). */
export class KeyRing {
  private readonly byId: ReadonlyMap<string, Buffer>;
  readonly current: KeyEncryptionKey;

  constructor(keks: readonly KeyEncryptionKey[]) {
    if (keks.length === 0) throw new Error('KeyRing: at least one key-encryption key is needed');
    for (const k of keks) if (k.key.length !== 32) throw new Error(`KeyRing: KEK "${k.kid}" must be 32 bytes`);
    this.current = keks[0]!;
    this.byId = new Map(keks.map((k) => [k.kid, k.key]));
  }

  has(kid: string): boolean {
    return this.byId.has(kid);
  }

  get(kid: string): Buffer | undefined {
    return this.byId.get(kid);
  }

  get kids(): string[] {
    return [...this.byId.keys()];
  }
}

/** SHA-256 (hex) of the normalised key: the only thing about a key that leaves the key-pool capability. */
export function fingerprintOf(productKey: string): string {
  return createHash('sha256').update(productKey, 'utf8').digest('hex');
}

export function bindingAad(b: KeyBinding, kekId?: string): Buffer {
  // JSON array: no separator a field could forge. The wrapped data key also binds the KEK id.
  return Buffer.from(
    JSON.stringify([AAD_VERSION, b.partnerTenantId.toLowerCase(), b.offerId, b.version, b.recordId, kekId ?? null]),
  );
}

function gcmSeal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

function gcmOpen(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new Error('sealed value too short');
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
}

/** Encrypts one product key under a fresh data key wrapped by the current KEK. */
export function sealProductKey(ring: KeyRing, binding: KeyBinding, productKey: string): SealedKey {
  const dek = randomBytes(32);
  try {
    const kek = ring.current;
    return {
      kekId: kek.kid,
      wrappedDek: gcmSeal(kek.key, dek, bindingAad(binding, kek.kid)),
      ciphertext: gcmSeal(dek, Buffer.from(productKey, 'utf8'), bindingAad(binding)),
    };
  } finally {
    dek.fill(0);
  }
}

function unwrapDek(ring: KeyRing, binding: KeyBinding, sealed: SealedKey): Buffer {
  const kek = ring.get(sealed.kekId);
  if (!kek) throw new KeyDecryptionError(binding.recordId, 'unknown_kek', sealed.kekId);
  try {
    return gcmOpen(kek, sealed.wrappedDek, bindingAad(binding, sealed.kekId));
  } catch {
    throw new KeyDecryptionError(binding.recordId, 'authentication_failed', sealed.kekId);
  }
}

/** Decrypts a sealed key, or throws KeyDecryptionError: a flipped byte, a moved row or a wrong KEK never yields text. */
export function openProductKey(ring: KeyRing, binding: KeyBinding, sealed: SealedKey): string {
  const dek = unwrapDek(ring, binding, sealed);
  try {
    return gcmOpen(dek, sealed.ciphertext, bindingAad(binding)).toString('utf8');
  } catch {
    throw new KeyDecryptionError(binding.recordId, 'authentication_failed', sealed.kekId);
  } finally {
    dek.fill(0);
  }
}

/** The same key under the current KEK: only the data key is re-wrapped, the key's ciphertext is untouched. */
export function rewrapProductKey(ring: KeyRing, binding: KeyBinding, sealed: SealedKey): SealedKey {
  if (sealed.kekId === ring.current.kid) return sealed;
  const dek = unwrapDek(ring, binding, sealed);
  try {
    const kek = ring.current;
    return {
      kekId: kek.kid,
      wrappedDek: gcmSeal(kek.key, dek, bindingAad(binding, kek.kid)),
      ciphertext: sealed.ciphertext,
    };
  } finally {
    dek.fill(0);
  }
}
