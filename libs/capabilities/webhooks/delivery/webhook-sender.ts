import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { classifyAddress } from '@csp/domain';
import { guardedLookup } from './ssrf-guard';

export interface SendResult {
  /** The HTTP status, or null when no response came (timeout, refused, blocked). */
  statusCode: number | null;
  durationMs: number;
  /** The first 1 KB of the response body. */
  body: string;
  retryAfter: string | null;
  error: string | null;
}

const BODY_LIMIT = 1024;

/**
 * One POST of a signed message: node's http(s) client, which follows no redirect; the connection goes only to an
 * address the SSRF guard allowed; the whole exchange is bounded by `timeoutMs`. Never throws.
 */
export function sendWebhook(input: {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
}): Promise<SendResult> {
  const started = performance.now();
  const url = new URL(input.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  // An IP literal is connected to without a lookup: the guard judges it here.
  const literal = classifyAddress(url.hostname.replace(/^\[|\]$/g, ''));
  if (!input.allowPrivate && literal === 'blocked') {
    const error = `${url.hostname} is not a public address (SSRF guard)`;
    return Promise.resolve({ statusCode: null, durationMs: 0, body: '', retryAfter: null, error });
  }
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (r: Omit<SendResult, 'durationMs'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, durationMs: Math.round(performance.now() - started) });
    };
    const req = send(
      url,
      {
        method: 'POST',
        headers: {
          ...input.headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(input.body)),
          'user-agent': 'csp-orders-webhooks/1',
        },
        lookup: guardedLookup(input.allowPrivate),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = (): void =>
          finish({
            statusCode: res.statusCode ?? null,
            body: Buffer.concat(chunks).subarray(0, BODY_LIMIT).toString('utf8'),
            retryAfter: (res.headers['retry-after'] as string | undefined) ?? null,
            error: null,
          });
        res.on('data', (chunk: Buffer) => {
          if (size < BODY_LIMIT) chunks.push(chunk);
          size += chunk.length;
          // Enough read: the status is what counts, the rest of a large body is not waited for.
          if (size >= BODY_LIMIT) {
            done();
            res.destroy();
          }
        });
        res.on('end', done);
        res.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      finish({ statusCode: null, body: '', retryAfter: null, error: `timed out after ${input.timeoutMs} ms` });
      req.destroy();
    }, input.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) =>
      finish({ statusCode: null, body: '', retryAfter: null, error: `${error.code ?? 'error'}: ${error.message}` }),
    );
    req.end(input.body);
  });
}
