/**
 * The licensing port: where product keys come from. The default adapter derives them from a secret
 * (nothing stored); a production adapter would call the vendor's licensing service.
 */

/** CSP keys are MAK only: KMS keys are never issued (DOMAIN.md "Keys and downloads"). */
export type ProductKeyType = 'MAK';

export interface IssueProductKeyRequest {
  orderId: string;
  lineItemNumber: number;
  offerId: string;
  version: string;
  /** The order's partner: whose key pool a pool adapter takes the key from. */
  partnerTenantId?: string;
  /** The line's quantity: the activations the key covers (one MAK per line and version). */
  quantity?: number;
}

export interface IssuedProductKey {
  /** Clear text: show it to the caller, never log it (see maskProductKey) nor put it in an event. */
  productKey: string;
  keyType: ProductKeyType;
  /** SHA-256 of the key, when the adapter holds keys (never the key itself). */
  keyFingerprint?: string;
}

export interface RevokeKeysRequest {
  orderId: string;
  lineItemNumbers: readonly number[];
}

export interface LineItemRef {
  orderId: string;
  lineItemNumber: number;
}

export interface LicensingPort {
  /**
   * True when issuing takes something from stock (the key pool): the caller then asks only once its own decision
   * allowed the reveal, so that a refused request takes nothing. Derived keys cost nothing and are asked early.
   */
  readonly assignsOnIssue?: boolean;
  /** Same inputs, same key. Rejects with ProductKeyRevokedError when the vendor revoked the line item. */
  issueProductKey(request: IssueProductKeyRequest): Promise<IssuedProductKey>;
  /** Idempotent: revoking twice, or a subset again, is not an error. */
  revokeKeys(request: RevokeKeysRequest): Promise<void>;
  isRevoked(item: LineItemRef): Promise<boolean>;
}

export const LICENSING = Symbol('LICENSING');

/** The vendor-side refusal; the write side refuses first on OrderCancelled, this is the second line. */
export class ProductKeyRevokedError extends Error {
  readonly code = 'revoked';
  /** 410 on the wire (duck-typed by the HTTP layer's error mapping). */
  readonly kind = 'gone';

  constructor(
    readonly orderId: string,
    readonly lineItemNumber: number,
  ) {
    super(`The product key of order ${orderId} line item ${lineItemNumber} has been revoked`);
    this.name = 'ProductKeyRevokedError';
  }
}
