import type { Readable } from 'node:stream';

/** Which bits: the software of an offer in one version, language and bitness. */
export interface ArtifactRef {
  offerId: string;
  productId: string;
  version: string;
  language: string;
  bitness: string;
}

export interface OpenedArtifact {
  stream: Readable;
  /** Bytes to be streamed; -1 when the source does not say (a CDN response without Content-Length). */
  size: number;
  fileName: string;
  contentType: string;
}

export interface ArtifactStore {
  /** Streams the bits (200). Wrap the stream with createHashingStream to record the SHA-256 of what was served. */
  open(ref: ArtifactRef): Promise<OpenedArtifact>;
  /** Present when the bits are better served elsewhere (a CDN): the caller answers 302 to this URL. */
  redirectUrl?(ref: ArtifactRef): Promise<string>;
}

export const ARTIFACT_STORE = Symbol('ARTIFACT_STORE');

/** The artifact does not exist (or the reference is not a valid path): the caller answers 404. */
export class ArtifactNotFoundError extends Error {
  readonly code: string = 'artifact_not_found';

  constructor(message: string) {
    super(message);
    this.name = 'ArtifactNotFoundError';
  }
}

/** A segment that could escape the artifact root (`..`, `/`, ...): refused, never resolved. */
export class InvalidArtifactRefError extends ArtifactNotFoundError {
  override readonly code: string = 'invalid_artifact_ref';

  constructor(field: string) {
    super(`Invalid artifact reference: ${field} is not a safe path segment`);
    this.name = 'InvalidArtifactRefError';
  }
}
