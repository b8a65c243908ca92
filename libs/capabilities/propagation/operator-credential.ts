import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The credential of an operator request: the Bearer token, or the password of HTTP Basic auth (any user
 * name, so that a browser's login prompt works). Undefined when the header holds neither.
 */
export function operatorCredentialOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const bearer = /^Bearer +(\S+) *$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const password = colon === -1 ? '' : decoded.slice(colon + 1);
  return password || undefined;
}

/** Constant time whatever the lengths: both sides are hashed first, so not even the length leaks. */
export function tokenMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** No Origin (a script, curl) or one naming the host the request went to. */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
