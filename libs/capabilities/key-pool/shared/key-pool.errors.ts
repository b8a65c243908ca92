/** Errors the HTTP layer maps by `kind` (duck-typed problem+json); none carries key material. */

export class KeyPoolExhaustedError extends Error {
  readonly code = 'key_pool_exhausted';
  readonly kind = 'conflict';
  readonly detail: string;
  readonly data: { offerId: string; version: string };

  constructor(offerId: string, version: string) {
    super(`The key pool has no ${offerId} version ${version} key left`);
    this.name = 'KeyPoolExhaustedError';
    this.detail = `No product key of offer ${offerId}, version ${version} is left in the pool: import more keys (POST /v1/keypool/imports) and retry.`;
    this.data = { offerId, version };
  }
}

/** A pool record failed to decrypt: fail closed, alert, serve nothing (503, retry after the operators act). */
export class KeyUnavailableError extends Error {
  readonly code = 'key_unavailable';
  readonly kind = 'unavailable';
  readonly detail = 'The product key could not be verified and was not served; the operators have been alerted.';

  constructor(readonly recordId: string) {
    super(`pool record ${recordId} could not be decrypted`);
    this.name = 'KeyUnavailableError';
  }
}
