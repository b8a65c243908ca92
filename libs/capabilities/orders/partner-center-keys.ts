/** A body's known field names; a nested shape for objects and arrays of objects, `true` for a plain value. */
export type KeyShape = { [name: string]: true | KeyShape };

/**
 * Partner Center's own examples spell fields in PascalCase ("LineItems", "OfferId") because its server reads
 * names case-insensitively. This renames each field that matches a known name but for case to that name, so
 * the validation pipe sees one spelling (each body DTO normalises with it: registerBodyRules). Anything else is left alone: unknown fields are still refused by name,
 * and a body that spells one field twice keeps both (the second is then refused as unknown).
 */
export function canonicalKeys(value: unknown, shape: KeyShape): unknown {
  if (Array.isArray(value)) return value.map((v) => canonicalKeys(v, shape));
  if (typeof value !== 'object' || value === null) return value;
  const input = value as Record<string, unknown>;
  // The common case, a body already spelled as documented: only nested shapes need a look (no copy, no map).
  if (Object.keys(input).every((k) => Object.hasOwn(shape, k))) {
    for (const [key, nested] of Object.entries(shape))
      if (nested !== true && key in input) input[key] = canonicalKeys(input[key], nested);
    return input;
  }
  const byLower = new Map(Object.keys(shape).map((k) => [k.toLowerCase(), k]));
  const taken = new Set(Object.keys(input).filter((k) => k in shape));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(input)) {
    const canonical = key in shape ? key : byLower.get(key.toLowerCase());
    const name = canonical && (canonical === key || !taken.has(canonical)) ? canonical : key;
    if (name !== key) taken.add(name);
    const nested = shape[name];
    out[name] = nested && nested !== true ? canonicalKeys(v, nested) : v;
  }
  return out;
}

export const PLACE_ORDER_KEYS: KeyShape = {
  id: true,
  referenceCustomerId: true,
  billingCycle: true,
  currencyCode: true,
  partnerOnRecordAttestationAccepted: true,
  attributes: { objectType: true },
  lineItems: {
    lineItemNumber: true,
    offerId: true,
    quantity: true,
    friendlyName: true,
    partnerIdOnRecord: true,
    additionalPartnerIdsOnRecord: true,
    provisioningContext: true,
    termDuration: true,
  },
};

const names = (...list: string[]): KeyShape => Object.fromEntries(list.map((n) => [n, true]));

// The cancel body, and the rest of an order resource a client may send back with it (see the request DTO).
export const CANCEL_ORDER_KEYS: KeyShape = {
  ...names('id', 'status', 'acknowledgedCancellationNotice', 'customerId', 'referenceCustomerId', 'currencyCode'),
  ...names('billingCycle', 'alternateId', 'creationDate', 'taxInclusive', 'total', 'totalPrice', 'cancellations'),
  ...names('currencySymbol', 'transactionType', 'links', 'attributes', 'client', 'partnerOnRecordAttestationAccepted'),
  lineItems: {
    ...names('lineItemNumber', 'offerId', 'quantity', 'friendlyName', 'kind', 'originalQuantity', 'unitPrice'),
    ...names('termDuration', 'cancelled', 'credit', 'partnerIdOnRecord', 'additionalPartnerIdsOnRecord'),
    ...names('provisioningContext', 'subscriptionId', 'parentSubscriptionId', 'transactionType', 'renewsTo'),
    ...names('links', 'attributes'),
  },
};
