// Plain jose only (no Nest): the token CLI runs under tsx, which cannot emit decorator metadata.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

export interface LocalTokenClaims {
  sub: string;
  upn: string;
  /** Tenant GUID. */
  tid: string;
  roles: readonly string[];
}

export interface SignLocalTokenOptions {
  secret: string;
  /** jose duration ("1h", "30m", "7d") or seconds. Default 1h. */
  ttl?: string | number;
  issuer?: string;
  audience?: string;
  /** For tests: the issue time in epoch seconds. */
  now?: number;
}

/** An HS256 token of the shape AuthGuard accepts locally. */
export async function signLocalToken(claims: LocalTokenClaims, options: SignLocalTokenOptions): Promise<string> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const ttl = options.ttl ?? '1h';
  const jwt = new SignJWT({ upn: claims.upn, tid: claims.tid, roles: [...claims.roles] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt(now)
    .setNotBefore(now - 5)
    .setJti(randomUUID())
    .setExpirationTime(typeof ttl === 'number' ? now + ttl : relative(ttl, now));
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.audience) jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "90s", "15m", "1h", "7d" → absolute epoch seconds. Negative values allowed so tests can mint expired tokens. */
function relative(ttl: string, now: number): number {
  const m = /^(-?\d+)\s*([smhd])$/.exec(ttl.trim());
  if (!m) throw new Error(`invalid ttl "${ttl}": use a number with s, m, h or d (e.g. 1h)`);
  return now + Number(m[1]) * UNITS[m[2]!]!;
}
