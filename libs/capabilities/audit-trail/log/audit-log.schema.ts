/**
 * The audit trail's own tables, beside the read models. They are not events (a digest written as an event would
 * be a leaf of the tree it signs) and no projection rebuilds them: they are written once, in order, by the digest
 * producer, under the row lock of `audit_checkpoint`, so two workers can never fork a chain.
 */
export const AUDIT_LOG_DDL = `
CREATE TABLE IF NOT EXISTS audit_checkpoint (
  id smallint PRIMARY KEY CHECK (id = 1),
  position bigint NOT NULL
);
INSERT INTO audit_checkpoint (id, position) VALUES (1, -1) ON CONFLICT (id) DO NOTHING;

-- Which tenant's tree a stream's events go to when they name no partner themselves (set by its first event).
CREATE TABLE IF NOT EXISTS audit_stream_tenants (
  stream_id text PRIMARY KEY,
  tenant_id text NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_customer_partners (
  customer_id text PRIMARY KEY,
  tenant_id text NOT NULL
);

-- One tree per tenant: its size and right edge (the roots of its perfect subtrees, 32 bytes each, left to right).
CREATE TABLE IF NOT EXISTS audit_trees (
  tenant_id text PRIMARY KEY,
  tree_size bigint NOT NULL,
  frontier bytea NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_leaves (
  tenant_id text NOT NULL,
  leaf_index bigint NOT NULL,
  global_position bigint NOT NULL,
  event_id text NOT NULL,
  PRIMARY KEY (tenant_id, leaf_index)
);
CREATE INDEX IF NOT EXISTS audit_leaves_event ON audit_leaves (event_id);
-- Every perfect subtree's hash (level 0: the leaves): any proof is O(log n) lookups.
CREATE TABLE IF NOT EXISTS audit_nodes (
  tenant_id text NOT NULL,
  level smallint NOT NULL,
  idx bigint NOT NULL,
  hash bytea NOT NULL,
  PRIMARY KEY (tenant_id, level, idx)
);

CREATE TABLE IF NOT EXISTS audit_digests (
  tenant_id text NOT NULL,
  sequence integer NOT NULL,
  tree_size bigint NOT NULL,
  root_hash text NOT NULL,
  from_position bigint NOT NULL,
  to_position bigint NOT NULL,
  previous_digest_hash text,
  issued_at text NOT NULL,
  key_id text NOT NULL,
  signature text NOT NULL,
  digest_hash text NOT NULL,
  PRIMARY KEY (tenant_id, sequence),
  UNIQUE (tenant_id, tree_size)
);

-- Public keys stay published after their private key leaves AUDIT_SIGNING_KEYS, so old digests keep verifying.
CREATE TABLE IF NOT EXISTS audit_keys (
  key_id text PRIMARY KEY,
  public_key_pem text NOT NULL,
  valid_from text NOT NULL,
  valid_to text
);
`;
