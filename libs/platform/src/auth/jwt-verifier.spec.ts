import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, GenerateKeyPairResult, SignJWT, UnsecuredJWT } from 'jose';
import { ProblemException } from '../errors/problem-details';
import { JwtVerifier } from './jwt-verifier';
import { signLocalToken } from './token-signer';

const SECRET = 'local-secret-local-secret-local-secret';
const TID = '3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f';
const claims = { sub: 'user-1', upn: 'ann@contoso.com', tid: TID, roles: ['AdminAgent'] };

async function failure(p: Promise<unknown>): Promise<ProblemException> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ProblemException);
    return e as ProblemException;
  }
  throw new Error('expected a failure');
}

describe('JwtVerifier (HS256)', () => {
  const verifier = new JwtVerifier({ secret: SECRET });

  it('accepts a token from signLocalToken and maps the claims', async () => {
    const token = await signLocalToken(claims, { secret: SECRET });
    await expect(verifier.verify(token)).resolves.toEqual({
      userId: 'user-1',
      upn: 'ann@contoso.com',
      tenantId: TID,
      roles: ['AdminAgent'],
    });
  });

  it('falls back to sub for upn and accepts a single role string', async () => {
    const token = await new SignJWT({ tid: TID, roles: 'Auditor' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('svc')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    await expect(verifier.verify(token)).resolves.toMatchObject({ upn: 'svc', roles: ['Auditor'] });
  });

  it('refuses an expired token with token_expired', async () => {
    const token = await signLocalToken(claims, { secret: SECRET, ttl: '-5m' });
    const e = await failure(verifier.verify(token));
    expect(e.getStatus()).toBe(401);
    expect(e.code).toBe('token_expired');
  });

  describe('cache of verified tokens', () => {
    afterEach(() => jest.useRealTimers());

    it('answers a token again without re-verifying, and refuses it once it expires (tolerance included)', async () => {
      const cached = new JwtVerifier({ secret: SECRET, clockToleranceSeconds: 30 });
      const token = await signLocalToken(claims, { secret: SECRET, ttl: '60s' });
      const first = await cached.verify(token);
      jest.useFakeTimers({ now: Date.now() + 60_000 + 29_000, doNotFake: ['nextTick', 'setImmediate'] });
      expect(await cached.verify(token)).toBe(first);
      jest.setSystemTime(Date.now() + 2_000);
      const e = await failure(cached.verify(token));
      expect(e.code).toBe('token_expired');
    });

    it('does not remember a failure: a bad token fails every time, a good one with the same claims passes', async () => {
      const cached = new JwtVerifier({ secret: SECRET });
      const forged = await signLocalToken(claims, { secret: 'another-secret-another-secret-another' });
      await failure(cached.verify(forged));
      await failure(cached.verify(forged));
      await expect(cached.verify(await signLocalToken(claims, { secret: SECRET }))).resolves.toMatchObject({
        userId: 'user-1',
      });
    });

    it('holds at most CACHE_SIZE tokens', async () => {
      const cached = new JwtVerifier({ secret: SECRET });
      const tokens = await Promise.all(
        Array.from({ length: JwtVerifier.CACHE_SIZE + 10 }, (_, i) =>
          signLocalToken({ ...claims, sub: `user-${i}` }, { secret: SECRET }),
        ),
      );
      for (const t of tokens) await cached.verify(t);
      expect((cached as unknown as { verified: Map<string, unknown> }).verified.size).toBe(JwtVerifier.CACHE_SIZE);
      // The oldest went out; verifying it again still works (verified afresh).
      await expect(cached.verify(tokens[0]!)).resolves.toMatchObject({ userId: 'user-0' });
    });
  });

  it('refuses a token without exp', async () => {
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET));
    expect((await failure(verifier.verify(token))).detail).toMatch(/exp/);
  });

  it('refuses a token signed with another key', async () => {
    const token = await signLocalToken(claims, { secret: 'another-secret-another-secret-another' });
    expect((await failure(verifier.verify(token))).detail).toBe('The token signature is invalid.');
  });

  it('refuses alg none', async () => {
    const token = new UnsecuredJWT({ ...claims }).setSubject('user-1').setExpirationTime('5m').encode();
    expect((await failure(verifier.verify(token))).getStatus()).toBe(401);
  });

  it('refuses an RS256 token when only the HS256 secret is trusted', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'RS256' })
      .setExpirationTime('5m')
      .sign(privateKey);
    expect((await failure(verifier.verify(token))).detail).toMatch(/algorithm/);
  });

  it('refuses a token without a GUID tid', async () => {
    const token = await signLocalToken({ ...claims, tid: 'contoso' }, { secret: SECRET });
    expect((await failure(verifier.verify(token))).detail).toMatch(/tid/);
  });

  it('checks issuer and audience when configured', async () => {
    const strict = new JwtVerifier({ secret: SECRET, issuer: 'https://issuer', audience: 'api://csp' });
    const good = await signLocalToken(claims, { secret: SECRET, issuer: 'https://issuer', audience: 'api://csp' });
    await expect(strict.verify(good)).resolves.toMatchObject({ userId: 'user-1' });
    const wrongIss = await signLocalToken(claims, { secret: SECRET, issuer: 'https://evil', audience: 'api://csp' });
    expect((await failure(strict.verify(wrongIss))).detail).toMatch(/issuer/);
    const wrongAud = await signLocalToken(claims, {
      secret: SECRET,
      issuer: 'https://issuer',
      audience: 'api://other',
    });
    expect((await failure(strict.verify(wrongAud))).detail).toMatch(/audience/);
  });

  it('refuses garbage', async () => {
    expect((await failure(verifier.verify('not-a-jwt'))).detail).toBe('The token is malformed or invalid.');
  });
});

describe('JwtVerifier (JWKS)', () => {
  let server: Server;
  let jwksUrl: string;
  let rsa: GenerateKeyPairResult;
  let ec: GenerateKeyPairResult;

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256');
    ec = await generateKeyPair('ES256');
    const keys = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ];
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('accepts RS256 and ES256 tokens signed by a published key', async () => {
    const verifier = new JwtVerifier({ jwksUrl });
    const rs = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .setExpirationTime('5m')
      .sign(rsa.privateKey);
    const es = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'ec-1' })
      .setExpirationTime('5m')
      .sign(ec.privateKey);
    await expect(verifier.verify(rs)).resolves.toMatchObject({ userId: 'user-1', tenantId: TID });
    await expect(verifier.verify(es)).resolves.toMatchObject({ userId: 'user-1' });
  });

  it('refuses HS256 tokens and unknown keys', async () => {
    const verifier = new JwtVerifier({ jwksUrl, secret: SECRET });
    const hs = await signLocalToken(claims, { secret: SECRET });
    expect((await failure(verifier.verify(hs))).detail).toMatch(/algorithm/);
    const other = await generateKeyPair('RS256');
    const foreign = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .setExpirationTime('5m')
      .sign(other.privateKey);
    expect((await failure(verifier.verify(foreign))).getStatus()).toBe(401);
  });
});
