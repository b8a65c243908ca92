import { createHash } from 'node:crypto';
import { Transform, pipeline, type Readable } from 'node:stream';

export interface StreamDigest {
  /** Lowercase hex, as `sha256sum` prints it. */
  sha256: string;
  bytes: number;
}

export interface HashingStream {
  /** Pass-through: read (or pipe to the response) from here. */
  stream: Transform;
  /** Resolves once every byte has passed through; rejects if the stream errors or is destroyed first. */
  digest(): Promise<StreamDigest>;
}

/**
 * Hashes what is served while it is served, so the SHA-256 recorded in SoftwareDownloaded is that of the
 * bytes that actually went out, not of a file that may have changed between hashing and sending.
 * Pass `source` to have it piped in (errors propagate); otherwise pipe into `stream` yourself.
 */
export function createHashingStream(source?: Readable): HashingStream {
  const hash = createHash('sha256');
  let bytes = 0;
  let settle!: { resolve: (d: StreamDigest) => void; reject: (e: Error) => void };
  const result = new Promise<StreamDigest>((resolve, reject) => (settle = { resolve, reject }));
  // Nobody may ever ask for the digest (e.g. a HEAD); an unobserved rejection must not crash the process.
  result.catch(() => undefined);
  let done = false;

  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
    flush(callback) {
      done = true;
      settle.resolve({ sha256: hash.digest('hex'), bytes });
      callback();
    },
  });
  stream.on('error', (error) => settle.reject(error));
  stream.on('close', () => {
    if (!done) settle.reject(new Error('Hashing stream closed before the end of the data'));
  });

  if (source) pipeline(source, stream, () => undefined);
  return { stream, digest: () => result };
}
