import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import {
  ArtifactNotFoundError,
  type ArtifactRef,
  type ArtifactStore,
  type OpenedArtifact,
} from '../ports/artifact-store.port';
import { artifactContentType, artifactDirectorySegments, defaultArtifactFileName } from './artifact-path';

export interface CdnArtifactStoreOptions {
  /** CDN_BASE_URL, e.g. https://bits.example.net/csp (a trailing slash is ignored). */
  baseUrl: string;
  /** Injected for tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/**
 * Production: the bits live on the vendor's CDN. The download endpoint answers 302 to `redirectUrl`;
 * `open` proxies the bytes for callers that must stream them (and hash what was served).
 */
export class CdnArtifactStore implements ArtifactStore {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(options: CdnArtifactStoreOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new Error('CdnArtifactStore: CDN_BASE_URL must be an http(s) URL');
    }
    this.baseUrl = url.toString().replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
  }

  async redirectUrl(ref: ArtifactRef): Promise<string> {
    return this.urlOf(ref);
  }

  async open(ref: ArtifactRef): Promise<OpenedArtifact> {
    const url = this.urlOf(ref);
    const response = await this.fetchImpl(url);
    if (response.status === 404) throw new ArtifactNotFoundError(`No artifact at ${url}`);
    if (!response.ok || !response.body) throw new Error(`CDN answered ${response.status} for ${url}`);
    const length = Number(response.headers.get('content-length'));
    const fileName = defaultArtifactFileName(ref);
    return {
      stream: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      size: Number.isSafeInteger(length) && length >= 0 ? length : -1,
      fileName,
      contentType: response.headers.get('content-type') ?? artifactContentType(fileName),
    };
  }

  private urlOf(ref: ArtifactRef): string {
    // Segments are validated to the URL-safe set, so no encoding can change the path they name.
    return [this.baseUrl, ...artifactDirectorySegments(ref), defaultArtifactFileName(ref)].join('/');
  }
}
