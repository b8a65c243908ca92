/**
 * The audit trail's own tables, beside the read models. They are not events (a digest written as an event would
 * be a leaf of the tree it signs) and no projection rebuilds them: they are written once, in order, by the digest
 * producer, under the row lock of `audit_checkpoint`, so two workers can never fork a chain.
 *
 * Versions. The trees are derived from the event store; the digests and keys are not (they are what was signed).
 * A new layout of the trees bumps AUDIT_LOG_VERSION: the upgrade drops the derived tables and moves the checkpoint
 * back to the start, and the producer rebuilds every tree from the store on its next round (the same history gives
 * the same leaves, so the rebuilt trees have the roots the existing digests signed, and the chain goes on).
 *   1: a row per leaf and per perfect node (audit_leaves, audit_nodes).
 *   2: tiles of 256 leaves, subtrees of 256 leaves and more, the unfinished tile in the tree's row.
 */
export const AUDIT_LOG_VERSION = 2;

/** The tables a layout change rebuilds (every version's, so that an upgrade leaves none behind). */
export const DERIVED_TABLES = [
  'audit_leaves',
  'audit_nodes',
  'audit_trees',
  'audit_tiles',
  'audit_subtrees',
  'audit_stream_tenants',
  'audit_customer_partners',
];

export const AUDIT_VERSION_DDL = `
CREATE TABLE IF NOT EXISTS audit_log_version (
  id smallint PRIMARY KEY CHECK (id = 1),
  version integer NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_checkpoint (
  id smallint PRIMARY KEY CHECK (id = 1),
  position bigint NOT NULL
);
INSERT INTO audit_checkpoint (id, position) VALUES (1, -1) ON CONFLICT (id) DO NOTHING;
`;

export const AUDIT_LOG_DDL = `
-- The tenant of a stream whose first event names no partner (the others' is their first event's partner).
CREATE TABLE IF NOT EXISTS audit_stream_tenants (
  stream_id text PRIMARY KEY,
  tenant_id text NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_customer_partners (
  customer_id text PRIMARY KEY,
  tenant_id text NOT NULL
);

-- One tree per tenant: its number (the key of its rows below), its size, its right edge (the roots of its perfect
-- subtrees, 32 bytes each, left to right) and the leaves of its unfinished last tile (56 bytes each, as in a tile).
CREATE TABLE IF NOT EXISTS audit_trees (
  tenant_id text PRIMARY KEY,
  tree_id integer NOT NULL UNIQUE,
  tree_size bigint NOT NULL,
  frontier bytea NOT NULL,
  tail bytea NOT NULL
);
-- Complete tiles: leaves tile*256 … tile*256+255, 56 bytes each (the leaf hash, the event's global position as an
-- unsigned 64-bit big-endian number, the event id's 16 bytes), stored out of line without a compression attempt
-- (incompressible); and a 512-byte Bloom filter of the tile's event ids, in the row, which is what an inclusion
-- proof by event id scans (a few milliseconds per million events) instead of an index entry per event.
CREATE TABLE IF NOT EXISTS audit_tiles (
  tree_id integer NOT NULL,
  tile bigint NOT NULL,
  bloom bytea NOT NULL,
  leaves bytea NOT NULL,
  PRIMARY KEY (tree_id, tile)
);
ALTER TABLE audit_tiles ALTER COLUMN leaves SET STORAGE EXTERNAL;
-- The perfect subtrees of 2^level leaves from idx * 2^level, for level >= 8 (lower ones come from a tile).
CREATE TABLE IF NOT EXISTS audit_subtrees (
  tree_id integer NOT NULL,
  level smallint NOT NULL,
  idx bigint NOT NULL,
  hash bytea NOT NULL,
  PRIMARY KEY (tree_id, level, idx)
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
