import { randomBytes } from 'node:crypto';
import {
  fingerprintOf,
  KeyDecryptionError,
  KeyRing,
  openProductKey,
  rewrapProductKey,
  sealProductKey,
  type KeyBinding,
  type SealedKey,
} from './key-envelope';

const KEY = 'BCDFG-HJKMP-QRTVW-XY234-6789B';
const kek = (kid: string) => ({ kid, key: randomBytes(32) });
const k1 = kek('k1');
const k2 = kek('k2');
const ring = new KeyRing([k1]);
const binding: KeyBinding = {
  partnerTenantId: '11111111-1111-4111-8111-111111111111',
  offerId: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW',
  version: '2022',
  recordId: 'a0000000-0000-4000-8000-000000000001',
};

const failure = (f: () => unknown): KeyDecryptionError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(KeyDecryptionError);
    expect(String((e as Error).message)).not.toContain(KEY);
    return e as KeyDecryptionError;
  }
  throw new Error('decryption succeeded');
};
const flip = (b: Buffer, i: number): Buffer => {
  const c = Buffer.from(b);
  c[i] ^= 0x01;
  return c;
};

describe('product-key envelope (AES-256-GCM, per-record data key wrapped by the KEK)', () => {
  it('given a sealed key, then only its own binding and KEK open it', () => {
    const sealed = sealProductKey(ring, binding, KEY);
    expect(sealed.kekId).toBe('k1');
    expect(sealed.ciphertext.toString('latin1')).not.toContain(KEY);
    expect(openProductKey(ring, binding, sealed)).toBe(KEY);
  });

  it('given two seals of the same key, then nonces and data keys differ', () => {
    const a = sealProductKey(ring, binding, KEY);
    const b = sealProductKey(ring, binding, KEY);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.wrappedDek.subarray(0, 12).equals(b.wrappedDek.subarray(0, 12))).toBe(false);
  });

  it('given a flipped byte anywhere (nonce, body, tag; ciphertext or wrapped key), then it fails closed', () => {
    const sealed = sealProductKey(ring, binding, KEY);
    for (const field of ['ciphertext', 'wrappedDek'] as const) {
      for (const i of [0, 12, sealed[field].length - 1]) {
        const tampered: SealedKey = { ...sealed, [field]: flip(sealed[field], i) };
        expect(failure(() => openProductKey(ring, binding, tampered)).reason).toBe('authentication_failed');
      }
    }
  });

  it('given a ciphertext moved to another tenant, offer, version or record, then it does not decrypt', () => {
    const sealed = sealProductKey(ring, binding, KEY);
    for (const moved of [
      { ...binding, partnerTenantId: '22222222-2222-4222-8222-222222222222' },
      { ...binding, offerId: 'DG7GMGF0D7FV:0002:DG7GMGF0D7G0' },
      { ...binding, version: '2019' },
      { ...binding, recordId: 'a0000000-0000-4000-8000-000000000002' },
      // fields swapped between each other
      { ...binding, offerId: binding.version, version: binding.offerId },
    ])
      failure(() => openProductKey(ring, moved, sealed));
    // another row's wrapped data key with this row's ciphertext
    const other = sealProductKey(ring, { ...binding, recordId: 'other' }, KEY);
    failure(() => openProductKey(ring, binding, { ...sealed, wrappedDek: other.wrappedDek }));
  });

  it('given the wrong KEK under the same id, or an id no longer configured, then it fails closed', () => {
    const sealed = sealProductKey(ring, binding, KEY);
    expect(
      failure(() => openProductKey(new KeyRing([{ kid: 'k1', key: randomBytes(32) }]), binding, sealed)).reason,
    ).toBe('authentication_failed');
    expect(failure(() => openProductKey(new KeyRing([k2]), binding, sealed)).reason).toBe('unknown_kek');
  });

  it('given a new current KEK, when re-wrapped, then the new ring opens it and the ciphertext is unchanged', () => {
    const sealed = sealProductKey(ring, binding, KEY);
    const rotated = new KeyRing([k2, k1]);
    const rewrapped = rewrapProductKey(rotated, binding, sealed);
    expect(rewrapped.kekId).toBe('k2');
    expect(rewrapped.ciphertext.equals(sealed.ciphertext)).toBe(true);
    expect(openProductKey(new KeyRing([k2]), binding, rewrapped)).toBe(KEY);
    expect(rewrapProductKey(rotated, binding, rewrapped)).toBe(rewrapped);
  });

  it('then the fingerprint is the SHA-256 hex of the key', () => {
    expect(fingerprintOf(KEY)).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintOf(KEY)).not.toBe(fingerprintOf(KEY.toLowerCase()));
  });
});
