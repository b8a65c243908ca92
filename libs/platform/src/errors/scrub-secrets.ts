/**
 * Last line of defence for text that leaves the service or reaches a log: product keys
 * (five groups of five) and bearer tokens / JWTs are replaced.
 */
const PRODUCT_KEY = /\b[A-Z0-9]{5}(?:-[A-Z0-9]{5}){4}\b/gi;
const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi;

export function scrubSecrets(text: string): string {
  return text.replace(PRODUCT_KEY, '[redacted]').replace(JWT, '[redacted]').replace(BEARER, 'Bearer [redacted]');
}

/** Request paths in logs and problems: a signed download link's token is a credential. */
export function redactPath(path: string): string {
  return scrubSecrets(path.replace(/(\/downloads\/)[^/?#]+/i, '$1[redacted]'));
}
