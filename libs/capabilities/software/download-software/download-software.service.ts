import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { assertDownloadAllowed, DomainError, isPlacedOrder, OrderState } from '@csp/domain';
import { createHashingStream } from '../adapters/hashing.stream';
import { ARTIFACT_STORE, ArtifactStore, OpenedArtifact } from '../ports/artifact-store.port';
import { CLOCK, Clock, StreamCommands } from '@csp/event-sourcing';
import { DOWNLOAD_LINK_SIGNER, DownloadLinkSigner, isDownloadLinkError } from '../ports/download-link-signer.port';

const DOWNLOAD_MAX_ATTEMPTS = 64;

export type DownloadOutcome =
  | { kind: 'stream'; artifact: OpenedArtifact; position?: number }
  | { kind: 'redirect'; url: string; position?: number };

/**
 * GET /v1/downloads/{token}: the signed link is the credential. Its signature is checked, then at every use
 * the write side decides whether it is still good (not revoked by a cancellation, not expired, not used up).
 * The download is recorded (SoftwareDownloaded, with the SHA-256 of the bytes) before the bits go out, so
 * no download escapes the audit trail and the download count cannot be outrun by parallel requests.
 * The caller's MS-RequestId plays no part: an anonymous link has no caller to scope it to, and a constant
 * one would otherwise turn every later download into a "replay" that is neither counted nor recorded.
 */
@Injectable()
export class DownloadSoftwareService {
  constructor(
    private readonly streams: StreamCommands,
    @Inject(DOWNLOAD_LINK_SIGNER) private readonly signer: DownloadLinkSigner,
    @Inject(ARTIFACT_STORE) private readonly artifacts: ArtifactStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async download(token: string, client: { userAgent?: string; ipHash?: string }): Promise<DownloadOutcome> {
    const verified = this.signer.verify(token);
    if (isDownloadLinkError(verified)) throw linkNotFound();
    const { orderId } = verified;
    const { state } = await this.streams.load('order', orderId);
    // Check first (410 revoked / expired / used up) so a dead link costs no artifact read.
    const { line, link } = assertAllowed(state, verified.linkId, this.clock.now());
    const ref = {
      offerId: line.offerId,
      productId: line.productId,
      version: link.version,
      language: link.language,
      bitness: link.bitness,
    };

    if (this.artifacts.redirectUrl) {
      const url = await this.artifacts.redirectUrl(ref);
      const result = await this.record(orderId, verified.linkId, { sha256: 'unverified-cdn', bytes: 0 }, client);
      return { kind: 'redirect', url, position: result.position };
    }
    const digest = await hashArtifact(await this.artifacts.open(ref));
    const result = await this.record(orderId, verified.linkId, digest, client);
    return { kind: 'stream', artifact: await this.artifacts.open(ref), position: result.position };
  }

  private record(
    orderId: string,
    linkId: string,
    digest: { sha256: string; bytes: number },
    client: { userAgent?: string; ipHash?: string },
  ): Promise<{ position?: number }> {
    return this.streams.handle(
      'order',
      orderId,
      { type: 'RecordDownload', data: { linkId, sha256: digest.sha256, bytes: digest.bytes, client } },
      {
        // One id per served download, fixed across conflict retries: the event id derives from it, so a
        // retry can find (never repeat) its own append. The client's MS-RequestId stays in the metadata only.
        commandId: randomUUID(),
        // Every racer on a hot link decides again on the fresher stream; each loss means another download
        // was recorded, so the link's own limit bounds the conflicts one download can meet.
        maxAttempts: DOWNLOAD_MAX_ATTEMPTS,
      },
    );
  }
}

function assertAllowed(state: OrderState, linkId: string, now: Date): ReturnType<typeof assertDownloadAllowed> {
  if (!isPlacedOrder(state) || !state.links[linkId]) throw linkNotFound();
  return assertDownloadAllowed(state, linkId, now);
}

async function hashArtifact(artifact: OpenedArtifact): Promise<{ sha256: string; bytes: number }> {
  const hashing = createHashingStream(artifact.stream);
  hashing.stream.resume();
  return hashing.digest();
}

function linkNotFound(): DomainError {
  return new DomainError({
    code: 'download_link_not_found',
    kind: 'not_found',
    detail: 'This download link is not valid.',
  });
}
