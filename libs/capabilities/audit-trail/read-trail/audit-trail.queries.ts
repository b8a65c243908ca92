import type { Pool } from 'pg';
import { DomainError } from '@csp/domain';
import type { AuditDigest, PublishedKey } from '../verification/digest-signature';
import { consistencyProof, inclusionProof, toHex } from '../verification/merkle';
import { AuditTreeReader, StoredTree } from '../log/tree-reader';

export type StoredDigest = AuditDigest & { digestHash: string };

interface DigestRow {
  tenant_id: string;
  sequence: number;
  tree_size: string;
  root_hash: string;
  from_position: string;
  to_position: string;
  previous_digest_hash: string | null;
  issued_at: string;
  key_id: string;
  signature: string;
  digest_hash: string;
}

const toDigest = (r: DigestRow): StoredDigest => ({
  tenantId: r.tenant_id,
  sequence: r.sequence,
  treeSize: Number(r.tree_size),
  rootHash: r.root_hash,
  fromPosition: Number(r.from_position),
  toPosition: Number(r.to_position),
  previousDigestHash: r.previous_digest_hash,
  issuedAt: r.issued_at,
  keyId: r.key_id,
  signature: r.signature,
  digestHash: r.digest_hash,
});

const notFound = (code: string, detail: string): DomainError => new DomainError({ code, kind: 'not_found', detail });
const badField = (field: string, detail: string): DomainError =>
  new DomainError({ code: 'invalid_query', kind: 'validation', field, detail });

/** What auditors read: keys, digests and proofs, from the audit log's tables. */
export class AuditTrailQueries {
  private readonly trees: AuditTreeReader;

  constructor(private readonly pool: Pool) {
    this.trees = new AuditTreeReader(pool);
  }

  async keys(): Promise<PublishedKey[]> {
    const { rows } = await this.pool.query<{
      key_id: string;
      public_key_pem: string;
      valid_from: string;
      valid_to: string | null;
    }>('SELECT key_id, public_key_pem, valid_from, valid_to FROM audit_keys ORDER BY valid_from, key_id');
    return rows.map((r) => ({
      kid: r.key_id,
      algorithm: 'Ed25519',
      publicKeyPem: r.public_key_pem,
      validFrom: r.valid_from,
      validTo: r.valid_to,
    }));
  }

  /** Digests issued in [from, to), in chain order, after sequence `after`; one more than `size` tells of a next page. */
  async digests(
    tenant: string,
    o: { from?: string; to?: string; after: number; size: number },
  ): Promise<{ items: StoredDigest[]; totalCount: number; last?: number }> {
    const where = `tenant_id = $1 AND ($2::text IS NULL OR issued_at >= $2) AND ($3::text IS NULL OR issued_at < $3)`;
    const args = [tenant, o.from ?? null, o.to ?? null];
    const [page, count] = await Promise.all([
      this.pool.query<DigestRow>(
        `SELECT * FROM audit_digests WHERE ${where} AND sequence > $4 ORDER BY sequence LIMIT $5`,
        [...args, o.after, o.size + 1],
      ),
      this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM audit_digests WHERE ${where}`, args),
    ]);
    const items = page.rows.slice(0, o.size).map(toDigest);
    return {
      items,
      totalCount: Number(count.rows[0].n),
      last: page.rows.length > o.size ? items[items.length - 1].sequence : undefined,
    };
  }

  async latest(tenant: string): Promise<StoredDigest> {
    const { rows } = await this.pool.query<DigestRow>(
      'SELECT * FROM audit_digests WHERE tenant_id = $1 ORDER BY sequence DESC LIMIT 1',
      [tenant],
    );
    if (!rows[0]) throw notFound('digest_not_found', 'No digest has been issued for this log yet.');
    return toDigest(rows[0]);
  }

  async treeSize(tenant: string): Promise<number> {
    return (await this.trees.tree(tenant))?.size ?? 0;
  }

  async inclusion(
    tenant: string,
    eventId: string,
    treeSize: number,
  ): Promise<{ eventId: string; leafIndex: number; treeSize: number; auditPath: string[] }> {
    const tree = await this.sized(tenant, treeSize, 'treeSize');
    const leafIndex = await this.trees.leafOf(tree, eventId);
    if (leafIndex === undefined || leafIndex >= treeSize) {
      throw notFound('event_not_found', `No event ${eventId} among the first ${treeSize} leaves of this log.`);
    }
    const auditPath = await this.trees.prove(tree, (node) => inclusionProof(node, leafIndex, treeSize));
    return { eventId, leafIndex, treeSize, auditPath: auditPath.map(toHex) };
  }

  async consistency(
    tenant: string,
    first: number,
    second: number,
  ): Promise<{ first: number; second: number; consistencyPath: string[] }> {
    if (first < 1) throw badField('first', 'first must be at least 1 (a proof from the empty tree is meaningless)');
    if (first > second) throw badField('first', 'first must not exceed second');
    const tree = await this.sized(tenant, second, 'second');
    const consistencyPath = await this.trees.prove(tree, (node) => consistencyProof(node, first, second));
    return { first, second, consistencyPath: consistencyPath.map(toHex) };
  }

  /** The tenant's tree, once `size` is one of its sizes (else the caller's 400). */
  private async sized(tenant: string, size: number, field: string): Promise<StoredTree> {
    const tree = await this.trees.tree(tenant);
    const current = tree?.size ?? 0;
    if (!tree || size < 1 || size > current)
      throw badField(field, `${field} must be between 1 and the log's tree size (${current})`);
    return tree;
  }
}
