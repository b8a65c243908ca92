import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';

/** A new endpoint secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks). */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * Endpoint secrets at rest: AES-256-GCM under a key derived from WEBHOOK_SECRETS_KEY, the (endpoint, version) pair
 * as authenticated data so that a row moved to another endpoint does not decrypt. Events carry only the version.
 */
export class WebhookSecretVault {
  private readonly key: Buffer;

  constructor(
    private readonly pool: Pool,
    secretsKey: string,
  ) {
    this.key = createHash('sha256').update(`csp-orders webhook secrets\0${secretsKey}`).digest();
  }

  private aad(endpointId: string, version: number): Buffer {
    return Buffer.from(`${endpointId}\0${version}`, 'utf8');
  }

  /** Stores (or replaces, for a retried rotation) one version's secret. */
  async put(endpointId: string, version: number, secret: string): Promise<void> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(this.aad(endpointId, version));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    await this.pool.query(
      `INSERT INTO webhook_secrets (endpoint_id, version, iv, ciphertext, tag) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (endpoint_id, version) DO UPDATE SET iv = $3, ciphertext = $4, tag = $5, created_at = now()`,
      [endpointId, version, iv, ciphertext, cipher.getAuthTag()],
    );
  }

  /**
   * Stores the secret unless this version already has one, and answers the one stored: a retried registration
   * shows the secret its first attempt stored, never a second one.
   */
  async putIfAbsent(endpointId: string, version: number, secret: string): Promise<string> {
    const existing = await this.get(endpointId, [version]);
    if (existing.length > 0) return existing[0];
    await this.put(endpointId, version, secret);
    return secret;
  }

  async remove(endpointId: string, version: number): Promise<void> {
    await this.pool.query('DELETE FROM webhook_secrets WHERE endpoint_id = $1 AND version = $2', [endpointId, version]);
  }

  /** The secrets of these versions that exist, decrypted, in the order asked. */
  async get(endpointId: string, versions: number[]): Promise<string[]> {
    const r = await this.pool.query<{ version: number; iv: Buffer; ciphertext: Buffer; tag: Buffer }>(
      'SELECT version, iv, ciphertext, tag FROM webhook_secrets WHERE endpoint_id = $1 AND version = ANY($2::int[])',
      [endpointId, versions],
    );
    const byVersion = new Map(r.rows.map((row) => [row.version, row]));
    return versions.flatMap((v) => {
      const row = byVersion.get(v);
      if (!row) return [];
      const decipher = createDecipheriv('aes-256-gcm', this.key, row.iv);
      decipher.setAAD(this.aad(endpointId, v));
      decipher.setAuthTag(row.tag);
      return [Buffer.concat([decipher.update(row.ciphertext), decipher.final()]).toString('utf8')];
    });
  }
}
