import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CollectionDto } from '@csp/platform';

// OpenAPI descriptions of the audit trail's answers (documentation only). Every hash is lowercase hex.
const HEX64 = {
  type: 'string',
  pattern: '^[0-9a-f]{64}$',
  example: '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
} as const;

@ApiSchema({
  name: 'AuditSigningKey',
  description: 'A public key of the audit digests; kept published after rotation.',
})
export class AuditSigningKeyDto {
  @ApiProperty({ example: 'k2026-12' })
  kid!: string;
  @ApiProperty({ enum: ['Ed25519'] })
  algorithm!: 'Ed25519';
  @ApiProperty({
    description: 'SubjectPublicKeyInfo, PEM',
    example: '-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----\n',
  })
  publicKeyPem!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: 'string', description: 'Since when it signs' })
  validFrom!: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: 'string',
    description: 'Until when it signed; null: the current key',
  })
  validTo!: string | null;
}

export const AuditSigningKeyCollectionDto = CollectionDto(AuditSigningKeyDto, 'AuditSigningKeyCollection');

@ApiSchema({
  name: 'AuditDigest',
  description:
    'A signed, chained statement of one log’s Merkle tree (RFC 9162): Ed25519 over the RFC 8785 form of every field ' +
    'but `signature` and `digestHash`; `previousDigestHash` is SHA-256 of the RFC 8785 form of the previous digest ' +
    'with its signature.',
})
export class AuditDigestDto {
  @ApiProperty({ description: 'The partner tenant GUID, or `system` for the system log' })
  tenantId!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: '1, 2, 3 … per log: the chain' })
  sequence!: number;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Leaves in the tree: the log’s events so far' })
  treeSize!: number;
  @ApiProperty({ ...HEX64, description: 'Merkle tree hash of the first treeSize leaves' })
  rootHash!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Global position of the first event this digest added' })
  fromPosition!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Global position of the last event this digest added' })
  toPosition!: number;
  @ApiProperty({ ...HEX64, nullable: true, description: 'digestHash of the previous digest; null for the first' })
  previousDigestHash!: string | null;
  @ApiProperty({ format: 'date-time' })
  issuedAt!: string;
  @ApiProperty({ description: 'kid of the signing key (GET /v1/audit/keys)' })
  keyId!: string;
  @ApiProperty({ type: 'string', pattern: '^[0-9a-f]{128}$', description: 'Ed25519 signature, hex' })
  signature!: string;
  @ApiProperty({ ...HEX64, description: 'SHA-256 of this digest (what the next names); recompute it, do not trust it' })
  digestHash!: string;
}

export const AuditDigestCollectionDto = CollectionDto(AuditDigestDto, 'AuditDigestCollection', 'In chain order');

@ApiSchema({ name: 'InclusionProof', description: 'RFC 9162 2.1.3: the audit path of one event’s leaf.' })
export class InclusionProofDto {
  @ApiProperty()
  eventId!: string;
  @ApiProperty({ type: 'integer', minimum: 0 })
  leafIndex!: number;
  @ApiProperty({ type: 'integer', minimum: 1 })
  treeSize!: number;
  @ApiProperty({ type: 'array', items: HEX64, description: 'Bottom-up' })
  auditPath!: string[];
}

@ApiSchema({
  name: 'ConsistencyProof',
  description: 'RFC 9162 2.1.4: the tree of size `second` extends that of size `first`.',
})
export class ConsistencyProofDto {
  @ApiProperty({ type: 'integer', minimum: 1 })
  first!: number;
  @ApiProperty({ type: 'integer', minimum: 1 })
  second!: number;
  @ApiProperty({ type: 'array', items: HEX64 })
  consistencyPath!: string[];
}
