import { createRemoteJWKSet, errors, JWTPayload, jwtVerify, JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import { ProblemException } from '../errors/problem-details';
import { isGuid, Principal } from './principal';

export interface JwtVerifierOptions {
  /** HS256 secret (local). Ignored when jwksUrl is set. */
  secret?: string;
  /** RS256/ES256 keys from this JWKS (production). */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Seconds of clock skew tolerated on exp/nbf. Default 30. */
  clockToleranceSeconds?: number;
}

const ASYMMETRIC = ['RS256', 'ES256'];

/**
 * Verifies a bearer token and turns its claims into a Principal. Exactly one key source is trusted
 * (the JWKS when configured, else the HS256 secret), so a token of the other algorithm family fails,
 * and `alg: none` never passes (jose refuses it unless asked).
 */
export class JwtVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];
  private readonly toleranceSeconds: number;

  constructor(private readonly options: JwtVerifierOptions) {
    this.toleranceSeconds = options.clockToleranceSeconds ?? 30;
    if (options.jwksUrl) {
      this.key = createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
      this.algorithms = ASYMMETRIC;
    } else if (options.secret) {
      this.key = new TextEncoder().encode(options.secret);
      this.algorithms = ['HS256'];
    } else {
      throw new Error('JwtVerifier needs a secret or a JWKS URL');
    }
  }

  /**
   * Tokens already verified, until they expire: a client sends the same token with every request, and checking
   * its signature again each time cost about a twentieth of a request. Bounded (least recently used out); the time claims are
   * checked again on every use. A key withdrawn from the JWKS stops new tokens at once and cached ones at
   * their exp, as with any verifier that caches keys.
   */
  static readonly CACHE_SIZE = 5_000;
  private readonly verified = new LRUCache<string, { principal: Principal; notBefore: number; expires: number }>({
    max: JwtVerifier.CACHE_SIZE,
  });

  async verify(token: string): Promise<Principal> {
    const known = this.verified.get(token);
    if (known) {
      const now = Date.now();
      if (now >= known.notBefore && now < known.expires) return known.principal;
      this.verified.delete(token);
    }
    const { principal, payload } = await this.verifyFully(token);
    // exp is required, so every cached entry ends; the tolerance applies as in jwtVerify.
    const tolerance = this.toleranceSeconds * 1000;
    this.verified.set(token, {
      principal,
      notBefore: typeof payload.nbf === 'number' ? payload.nbf * 1000 - tolerance : -Infinity,
      expires: (payload.exp ?? 0) * 1000 + tolerance,
    });
    return principal;
  }

  private async verifyFully(token: string): Promise<{ principal: Principal; payload: JWTPayload }> {
    let payload: JWTPayload;
    try {
      const verifyOptions = {
        algorithms: this.algorithms,
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['exp'],
        clockTolerance: this.toleranceSeconds,
      };
      // Two calls rather than a union key type: jose overloads on the key's type.
      payload =
        typeof this.key === 'function'
          ? (await jwtVerify(token, this.key, verifyOptions)).payload
          : (await jwtVerify(token, this.key, verifyOptions)).payload;
    } catch (err) {
      if (err instanceof errors.JWKSTimeout) {
        throw new ProblemException(
          503,
          'service_unavailable',
          'The signing keys could not be fetched; retry shortly.',
          {
            headers: { 'retry-after': '5' },
            cause: err,
          },
        );
      }
      throw unauthorized(describe(err), err instanceof errors.JWTExpired ? 'token_expired' : 'unauthorized', err);
    }
    return { principal: toPrincipal(payload), payload };
  }
}

export function toPrincipal(payload: JWTPayload): Principal {
  const sub = payload.sub;
  if (typeof sub !== 'string' || sub === '') throw unauthorized('The token has no sub claim.');
  const tid = payload.tid;
  if (!isGuid(tid)) throw unauthorized('The token has no tid claim holding a tenant GUID.');
  const upn = typeof payload.upn === 'string' && payload.upn !== '' ? payload.upn : sub;
  const raw = payload.roles;
  const roles = Array.isArray(raw)
    ? raw.filter((r): r is string => typeof r === 'string')
    : typeof raw === 'string'
      ? [raw]
      : [];
  return Object.freeze({ userId: sub, upn, tenantId: tid.toLowerCase(), roles: Object.freeze(roles) });
}

export function unauthorized(detail: string, code = 'unauthorized', cause?: unknown): ProblemException {
  return new ProblemException(401, code, detail, {
    headers: { 'www-authenticate': `Bearer error="invalid_token"` },
    cause,
  });
}

/** Says what was wrong without echoing the token. */
function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'The token has expired.';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return 'The token was issued by an untrusted issuer.';
    if (err.claim === 'aud') return 'The token is not meant for this audience.';
    if (err.claim === 'exp') return 'The token has no exp claim.';
    if (err.claim === 'nbf') return 'The token is not valid yet.';
    return `The token's ${err.claim} claim is invalid.`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed)
    return 'The token is signed with an algorithm this service does not accept.';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'The token signature is invalid.';
  if (err instanceof errors.JWKSNoMatchingKey) return 'The token is signed with an unknown key.';
  if (err instanceof errors.JWKSInvalid) return 'The signing keys could not be fetched.';
  return 'The token is malformed or invalid.';
}
