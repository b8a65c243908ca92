import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import {
  isDownloadLinkError,
  isDownloadLinkExpired,
  type DownloadLinkClaims,
} from '../ports/download-link-signer.port';
import { HmacDownloadLinkSigner } from './hmac-download-link.signer';

const OLD = { kid: 'k2024', secret: 'o'.repeat(32) };
const NEW = { kid: 'k2025', secret: 'n'.repeat(32) };
const B64URL_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const claims: DownloadLinkClaims = {
  linkId: '5b2c1f0e-8a7d-4c3b-9e2f-1a0b9c8d7e6f',
  orderId: '0b9c4f4e-5f1a-4f0e-9a49-6a0d3c1c2f11',
  customerId: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
  lineItemNumber: 2,
  version: '2022',
  language: 'de-DE',
  bitness: 'x64',
  expiresAt: new Date('2024-06-15T10:00:00.000Z'),
};

describe('HmacDownloadLinkSigner', () => {
  const signer = new HmacDownloadLinkSigner([NEW]);

  it('round-trips the claims, with the signing key id', () => {
    const token = signer.sign(claims);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(signer.verify(token)).toEqual({ ...claims, kid: 'k2025' });
  });

  it('is base64url(JSON) + "." + base64url(HMAC-SHA256(secret, encoded payload))', () => {
    const [payload, signature] = signer.sign(claims).split('.') as [string, string];
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))).toMatchObject({
      kid: 'k2025',
      expiresAt: '2024-06-15T10:00:00.000Z',
    });
    expect(signature).toBe(createHmac('sha256', NEW.secret).update(payload).digest('base64url'));
  });

  it('detects a change to any character of the payload or the signature', () => {
    const token = signer.sign(claims);
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      for (const replacement of [B64URL_CHARS[(B64URL_CHARS.indexOf(token[i]!) + 1) % 64]!, 'A', '_']) {
        if (replacement === token[i]) continue;
        const altered = token.slice(0, i) + replacement + token.slice(i + 1);
        expect({ i, result: signer.verify(altered) }).toEqual({ i, result: { error: 'tampered' } });
      }
    }
  });

  it('detects a re-signed payload with forged claims', () => {
    const [payload, signature] = signer.sign(claims).split('.') as [string, string];
    const forged = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    forged.expiresAt = '2099-01-01T00:00:00.000Z';
    expect(signer.verify(`${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`)).toEqual({
      error: 'tampered',
    });
    const otherSecret = new HmacDownloadLinkSigner([{ kid: NEW.kid, secret: 'x'.repeat(32) }]);
    expect(signer.verify(otherSecret.sign(claims))).toEqual({ error: 'tampered' });
  });

  it.each(['', 'abc', 'a.b.c', 'a..b', 'abc.', '.abc', 'ab+c.def', 'abc.de=', 'ab c.def', 'x'.repeat(5000)])(
    'calls %j malformed',
    (token) => {
      expect(signer.verify(token)).toEqual({ error: 'malformed' });
    },
  );

  it('rotates: signs with the first key, verifies with any listed key, refuses retired ones', () => {
    const before = new HmacDownloadLinkSigner([OLD]).sign(claims);
    const during = new HmacDownloadLinkSigner([NEW, OLD]);
    expect(during.verify(before)).toEqual({ ...claims, kid: 'k2024' });
    const fresh = during.sign(claims);
    expect(during.verify(fresh)).toMatchObject({ kid: 'k2025' });
    expect(new HmacDownloadLinkSigner([NEW]).verify(before)).toEqual({ error: 'tampered' });
    expect(new HmacDownloadLinkSigner([OLD]).verify(fresh)).toEqual({ error: 'tampered' });
  });

  it('refuses bad key lists', () => {
    expect(() => new HmacDownloadLinkSigner([])).toThrow();
    expect(() => new HmacDownloadLinkSigner([{ kid: 'a', secret: 'short' }])).toThrow(/at least 32 bytes/);
    expect(() => new HmacDownloadLinkSigner([NEW, NEW])).toThrow(/unique/);
  });

  it('leaves expiry to the caller and its clock', () => {
    const verified = signer.verify(signer.sign(claims));
    if (isDownloadLinkError(verified)) throw new Error('expected a valid link');
    expect(isDownloadLinkExpired(verified, new Date('2024-06-15T09:59:59.999Z'))).toBe(false);
    expect(isDownloadLinkExpired(verified, new Date('2024-06-15T10:00:00.000Z'))).toBe(true);
  });

  it('property: any claims round-trip, and any single-character change is detected', () => {
    fc.assert(
      fc.property(
        fc.record({
          linkId: fc.uuid(),
          orderId: fc.uuid(),
          customerId: fc.uuid(),
          lineItemNumber: fc.nat({ max: 1000 }),
          version: fc.string(),
          language: fc.string(),
          bitness: fc.constantFrom('x64', 'x86', 'arm64'),
          expiresAt: fc.date({ min: new Date(0), max: new Date('2100-01-01'), noInvalidDate: true }),
        }),
        fc.nat(),
        fc.nat({ max: 63 }),
        (c, position, shift) => {
          const token = signer.sign(c);
          const result = signer.verify(token);
          if (isDownloadLinkError(result) || result.expiresAt.getTime() !== c.expiresAt.getTime()) return false;
          const i = position % token.length;
          if (token[i] === '.') return true;
          const replacement = B64URL_CHARS[(B64URL_CHARS.indexOf(token[i]!) + 1 + shift) % 64]!;
          if (replacement === token[i]) return true;
          const altered = signer.verify(token.slice(0, i) + replacement + token.slice(i + 1));
          return isDownloadLinkError(altered) && altered.error === 'tampered';
        },
      ),
      { numRuns: 500 },
    );
  });
});
