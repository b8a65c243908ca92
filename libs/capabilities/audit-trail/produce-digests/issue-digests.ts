import type { KeyObject } from 'node:crypto';
import type { Pool } from 'pg';
import { AuditDigest, digestHash, publicKeyPem, signDigest } from '../verification/digest-signature';
import { CompactRange, toHex } from '../verification/merkle';
import { frontierOf, underWriterLock } from '../log/audit-log.store';
import { AuditTreeReader, StoredTree } from '../log/tree-reader';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

/**
 * Publishes the configured public keys (kept after rotation) and marks which is current: the first. A kid already
 * published with another key is refused, so a key can never be swapped under old digests.
 */
export async function publishKeys(pool: Pool, keys: readonly SigningKey[], now: Date): Promise<void> {
  await underWriterLock(pool, async (client) => {
    for (const key of keys) {
      const pem = publicKeyPem(key.privateKey);
      await client.query(
        'INSERT INTO audit_keys (key_id, public_key_pem, valid_from) VALUES ($1, $2, $3) ON CONFLICT (key_id) DO NOTHING',
        [key.kid, pem, now.toISOString()],
      );
      const { rows } = await client.query<{ public_key_pem: string }>(
        'SELECT public_key_pem FROM audit_keys WHERE key_id = $1',
        [key.kid],
      );
      if (rows[0].public_key_pem !== pem) {
        throw new Error(
          `audit signing key ${key.kid} is not the key published under that kid: give the new key a new kid`,
        );
      }
    }
    const current = keys[0].kid;
    await client.query('UPDATE audit_keys SET valid_to = NULL WHERE key_id = $1', [current]);
    await client.query('UPDATE audit_keys SET valid_to = $2 WHERE key_id <> $1 AND valid_to IS NULL', [
      current,
      now.toISOString(),
    ]);
  });
}

interface Due {
  tenant_id: string;
  tree_id: number;
  tree_size: string;
  frontier: Buffer;
  tail: Buffer;
  sequence: number | null;
  digest_size: string | null;
  digest_hash: string | null;
}

/** One signed digest for every tenant whose tree grew since its last digest; returns them. */
export async function issueDigests(pool: Pool, key: SigningKey, now: Date): Promise<AuditDigest[]> {
  return underWriterLock(pool, async (client) => {
    const { rows } = await client.query<Due>(
      `SELECT t.tenant_id, t.tree_id, t.tree_size, t.frontier, t.tail, d.sequence, d.tree_size AS digest_size, d.digest_hash
         FROM audit_trees t
         LEFT JOIN LATERAL (SELECT sequence, tree_size, digest_hash FROM audit_digests
                             WHERE tenant_id = t.tenant_id ORDER BY sequence DESC LIMIT 1) d ON true
        WHERE t.tree_size > COALESCE(d.tree_size, 0)
        ORDER BY t.tenant_id`,
    );
    const issued: AuditDigest[] = [];
    const reader = new AuditTreeReader(client);
    for (const due of rows) {
      const size = Number(due.tree_size);
      const from = Number(due.digest_size ?? 0);
      const tree: StoredTree = {
        id: due.tree_id,
        tenant: due.tenant_id,
        size,
        frontier: frontierOf(due.frontier),
        tail: due.tail,
      };
      const [fromPosition] = await reader.positions(tree, from, from + 1);
      const [toPosition] = await reader.positions(tree, size - 1, size);
      const digest = signDigest(
        {
          tenantId: due.tenant_id,
          sequence: (due.sequence ?? 0) + 1,
          treeSize: size,
          rootHash: toHex(new CompactRange(size, tree.frontier).root()),
          fromPosition,
          toPosition,
          previousDigestHash: due.digest_hash,
          issuedAt: now.toISOString(),
          keyId: key.kid,
        },
        key.privateKey,
      );
      await client.query(
        `INSERT INTO audit_digests (tenant_id, sequence, tree_size, root_hash, from_position, to_position,
           previous_digest_hash, issued_at, key_id, signature, digest_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          digest.tenantId,
          digest.sequence,
          digest.treeSize,
          digest.rootHash,
          digest.fromPosition,
          digest.toPosition,
          digest.previousDigestHash,
          digest.issuedAt,
          digest.keyId,
          digest.signature,
          digestHash(digest),
        ],
      );
      issued.push(digest);
    }
    return issued;
  });
}
