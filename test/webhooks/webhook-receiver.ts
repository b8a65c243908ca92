import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request a receiver got, with the result of verifying it with each secret it knows. */
export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  at: number;
  /** Per secret (in the order of `secrets`): did the standardwebhooks library accept the request with it? */
  verifiedWith: boolean[];
}

export type Answer = { status: number; delayMs?: number; headers?: Record<string, string>; body?: string };

/**
 * A real HTTP receiver on 127.0.0.1 that verifies every request with the npm `standardwebhooks` library and the
 * secrets it was shown, and answers as the test scripts it (n = this id's 1-based request count).
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  secrets: string[] = [];
  answer: (r: Received, n: number) => Answer = () => ({ status: 200 });
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
    return this;
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = {
      'webhook-id': String(req.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
    };
    const verifiedWith = this.secrets.map((secret) => {
      try {
        new Webhook(secret).verify(body, headers);
        return true;
      } catch {
        return false;
      }
    });
    const r: Received = {
      id: headers['webhook-id'],
      timestamp: headers['webhook-timestamp'],
      signature: headers['webhook-signature'],
      body,
      at: Date.now(),
      verifiedWith,
    };
    this.received.push(r);
    const n = this.received.filter((x) => x.id === r.id).length;
    const a = this.answer(r, n);
    if (a.delayMs) await new Promise((resolve) => setTimeout(resolve, a.delayMs));
    if (res.destroyed) return;
    res.writeHead(a.status, { 'content-type': 'text/plain', ...a.headers });
    res.end(a.body ?? `answered ${a.status}`);
  }

  of(id: string): Received[] {
    return this.received.filter((r) => r.id === id);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
