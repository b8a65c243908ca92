/**
 * Signed download links. The token only proves who issued it and what for; expiry is compared by the caller
 * against its clock, and revocation and download counts live in the event store (checked at every use).
 */

export interface DownloadLinkClaims {
  linkId: string;
  orderId: string;
  customerId: string;
  lineItemNumber: number;
  version: string;
  language: string;
  bitness: string;
  expiresAt: Date;
}

/** What a valid token carries: the claims plus the id of the secret that signed it. */
export interface VerifiedDownloadLink extends DownloadLinkClaims {
  kid: string;
}

/** `tampered`: well-formed but the signature does not match (or an unknown key id); `malformed`: not a token. */
export type DownloadLinkVerificationError = { error: 'tampered' | 'malformed' };

export interface DownloadLinkSigner {
  sign(claims: DownloadLinkClaims): string;
  verify(token: string): VerifiedDownloadLink | DownloadLinkVerificationError;
}

export const DOWNLOAD_LINK_SIGNER = Symbol('DOWNLOAD_LINK_SIGNER');

export function isDownloadLinkError(
  result: VerifiedDownloadLink | DownloadLinkVerificationError,
): result is DownloadLinkVerificationError {
  return 'error' in result;
}

/** Expired at the instant itself: a link valid "until" expiresAt is no longer valid at expiresAt. */
export function isDownloadLinkExpired(link: Pick<DownloadLinkClaims, 'expiresAt'>, now: Date): boolean {
  return now.getTime() >= link.expiresAt.getTime();
}
