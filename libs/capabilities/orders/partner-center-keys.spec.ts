import fc from 'fast-check';
import { canonicalKeys, PLACE_ORDER_KEYS } from './partner-center-keys';

const recase = (name: string, pattern: boolean[]): string =>
  [...name].map((c, i) => (pattern[i % pattern.length] ? c.toUpperCase() : c.toLowerCase())).join('');

describe('canonicalKeys', () => {
  it('renames Partner Center’s PascalCase names, nested ones included, and keeps provisioning context keys', () => {
    expect(
      canonicalKeys(
        {
          BillingCycle: 'one_time',
          LineItems: [{ OfferId: 'x', ProvisioningContext: { SubscriptionId: 's' }, Quantity: 1 }],
        },
        PLACE_ORDER_KEYS,
      ),
    ).toEqual({
      billingCycle: 'one_time',
      lineItems: [{ offerId: 'x', provisioningContext: { SubscriptionId: 's' }, quantity: 1 }],
    });
  });

  it('leaves unknown names alone, and a second spelling of a field stays as sent (so it is refused)', () => {
    expect(canonicalKeys({ PromotionId: 'p', billingCycle: 'a', BillingCycle: 'b' }, PLACE_ORDER_KEYS)).toEqual({
      PromotionId: 'p',
      billingCycle: 'a',
      BillingCycle: 'b',
    });
  });

  it('any casing of every known top-level name maps to the name, values untouched', () => {
    const names = Object.keys(PLACE_ORDER_KEYS).filter((k) => PLACE_ORDER_KEYS[k] === true);
    fc.assert(
      fc.property(
        fc.subarray(names, { minLength: 1 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        fc.string(),
        (picked, pattern, value) => {
          const body = Object.fromEntries(picked.map((n) => [recase(n, pattern), value]));
          expect(canonicalKeys(body, PLACE_ORDER_KEYS)).toEqual(Object.fromEntries(picked.map((n) => [n, value])));
        },
      ),
    );
  });
});
