import { deciderSpec } from '../testing/decider-spec';
import {
  ADMIN_AGENT,
  at,
  CUSTOMER,
  ctxAt,
  DAY,
  OFFERS,
  ORDER,
  placedEvents,
  placeOrder,
  T0,
} from '../testing/fixtures';
import type { CancelOrder, PartnerCenterOrderInput, PlaceOrder } from './order.commands';
import { orderDecider } from './order.decide';
import type { OrderCancelled, OrderPlaced } from './order.events';
import { currencySymbol, lineProvisioningStatus } from './partner-center-order';

const specAt = (now: Date) => deciderSpec(orderDecider, () => ctxAt(now));
const spec = specAt(T0);
const later = specAt(at(T0, DAY));

const withPc = (
  command: PlaceOrder,
  pc: PartnerCenterOrderInput,
  lines: Partial<PlaceOrder['data']['lineItems'][number]>[] = [],
): PlaceOrder => ({
  ...command,
  data: {
    ...command.data,
    partnerCenter: pc,
    lineItems: command.data.lineItems.map((l, i) => ({ ...l, ...lines[i] })),
  },
});
const placed = (events: unknown[]) => (events[0] as OrderPlaced).data;
const cancel = (data: Partial<CancelOrder['data']> = {}): CancelOrder => ({
  type: 'CancelOrder',
  data: { requestedBy: ADMIN_AGENT, ...data },
});

describe('PlaceOrder with Partner Center fields', () => {
  it('records the billing cycle, the client order id and the line fields as given', () =>
    spec
      .given([])
      .when(
        withPc(
          placeOrder('PL', [[OFFERS.wsStdP1Y, 1]]),
          {
            id: 'client-1',
            referenceCustomerId: CUSTOMER.toUpperCase(),
            billingCycle: 'one_time',
            currencyCode: 'pln',
          },
          [
            {
              friendlyName: 'Branch office',
              partnerIdOnRecord: '873452',
              provisioningContext: { scope: 'shared' },
              termDuration: 'P1Y',
            },
          ],
        ),
      )
      .thenMatches((events) => {
        const d = placed(events);
        expect(d).toMatchObject({ billingCycle: 'one_time', clientOrderId: 'client-1', orderId: ORDER });
        expect(d.lineItems[0]).toMatchObject({
          friendlyName: 'Windows Server 2022 Standard - 16 Core License Pack - 1 Year',
          partnerFriendlyName: 'Branch office',
          partnerIdOnRecord: '873452',
          provisioningContext: { scope: 'shared' },
          termDuration: 'P1Y',
        });
      }));

  it('without them, bills one_time and records no Partner Center line fields', () =>
    spec
      .given([])
      .when(placeOrder('PL', [[OFFERS.wsStdPerpetual, 1]]))
      .thenMatches((events) => {
        expect(placed(events).billingCycle).toBe('one_time');
        expect(placed(events).lineItems[0]).not.toHaveProperty('provisioningContext');
      }));

  it('"none" names no billing cycle: the offers\' default applies', () =>
    spec
      .given([])
      .when(withPc(placeOrder('PL', [[OFFERS.wsStdPerpetual, 1]]), { billingCycle: 'none' }))
      .thenMatches((events) => expect(placed(events).billingCycle).toBe('one_time')));

  it('takes a null field as not given (JSON clients may send null for unset fields)', () =>
    spec
      .given([])
      .when(
        withPc(
          placeOrder('PL', [[OFFERS.wsStdPerpetual, 1]]),
          {
            id: null,
            referenceCustomerId: null,
            billingCycle: null,
            currencyCode: null,
          } as unknown as PartnerCenterOrderInput,
          [{ termDuration: null, friendlyName: null, provisioningContext: null } as never],
        ),
      )
      .thenMatches((events) => {
        expect(placed(events)).not.toHaveProperty('clientOrderId');
        expect(placed(events).billingCycle).toBe('one_time');
        expect(placed(events).lineItems[0]).not.toHaveProperty('partnerFriendlyName');
      }));

  it('a reservation may be billed monthly', () =>
    spec
      .given([])
      .when(withPc(placeOrder('PL', [[OFFERS.reservationP1Y, 1]]), { billingCycle: 'monthly' }))
      .thenMatches((events) => expect(placed(events).billingCycle).toBe('monthly')));

  it('refuses a billing cycle the offer is not sold with, naming billingCycle', () =>
    spec
      .given([])
      .when(withPc(placeOrder('PL', [[OFFERS.wsStdPerpetual, 1]]), { billingCycle: 'monthly' }))
      .thenThrows({ code: 'billing_cycle_mismatch', kind: 'validation', field: 'billingCycle' }));

  it('refuses an unknown billing cycle', () =>
    spec
      .given([])
      .when(withPc(placeOrder('PL', [[OFFERS.wsStdPerpetual, 1]]), { billingCycle: 'weekly' }))
      .thenThrows({ code: 'invalid_billing_cycle', kind: 'validation', field: 'billingCycle' }));

  it('refuses another customer as referenceCustomerId', () =>
    spec
      .given([])
      .when(
        withPc(placeOrder('PL', [[OFFERS.wsStdPerpetual, 1]]), {
          referenceCustomerId: '99999999-9999-4999-8999-999999999999',
        }),
      )
      .thenThrows({ code: 'reference_customer_mismatch', kind: 'validation', field: 'referenceCustomerId' }));

  it("refuses a currency that is not the customer market's", () =>
    spec
      .given([])
      .when(withPc(placeOrder('PL', [[OFFERS.wsStdPerpetual, 1]]), { currencyCode: 'USD' }))
      .thenThrows({ code: 'currency_mismatch', kind: 'validation', field: 'currencyCode' }));

  it("refuses a term that is not the offer's, and any term on perpetual software", () => {
    spec
      .given([])
      .when(withPc(placeOrder('PL', [[OFFERS.wsStdP1Y, 1]]), {}, [{ termDuration: 'P3Y' }]))
      .thenThrows({ code: 'term_duration_mismatch', kind: 'validation', field: 'lineItems[0].termDuration' });
    spec
      .given([])
      .when(withPc(placeOrder('PL', [[OFFERS.wsStdPerpetual, 1]]), {}, [{ termDuration: 'P1Y' }]))
      .thenThrows({ code: 'term_duration_mismatch', kind: 'validation', field: 'lineItems[0].termDuration' });
  });

  it('refuses a provisioning context that is not an object of strings, naming the key', () =>
    spec
      .given([])
      .when(
        withPc(placeOrder('PL', [[OFFERS.wsStdPerpetual, 1]]), {}, [
          { provisioningContext: { scope: 7 } as unknown as Record<string, string> },
        ]),
      )
      .thenThrows({
        code: 'invalid_provisioning_context',
        kind: 'validation',
        field: 'lineItems[0].provisioningContext.scope',
      }));

  it('names every bad field at once', () => {
    const error = spec
      .given([])
      .when(
        withPc(placeOrder('PL', [[OFFERS.wsStdP1Y, 1]]), { currencyCode: 'EUR', attributes: { objectType: 'Cart' } }, [
          { termDuration: 'P3Y' },
        ]),
      )
      .thenError({ code: 'validation_failed', kind: 'validation' });
    expect(error.errors.map((e) => e.field).sort()).toEqual([
      'attributes.objectType',
      'currencyCode',
      'lineItems[0].termDuration',
    ]);
  });
});

describe('CancelOrder with Partner Center references and the notice', () => {
  const given = placedEvents('PL', [
    [OFFERS.wsStdPerpetual, 1],
    [OFFERS.sqlStdPerpetual, 1],
  ]);

  it('cancels without any acknowledgement (the contract-literal PATCH), recording none', () =>
    later
      .given(given)
      .when(cancel())
      .thenMatches((events) => {
        expect(events[0].type).toBe('OrderCancelled');
        expect((events[0] as OrderCancelled).data).not.toHaveProperty('acknowledgedCancellationNotice');
      }));

  it('records the acknowledgement as given', () =>
    later
      .given(given)
      .when(cancel({ acknowledgedNotice: true }))
      .thenMatches((events) => expect((events[0] as OrderCancelled).data.acknowledgedCancellationNotice).toBe(true)));

  it('where the deployment requires it, refuses a cancellation without it (422)', () =>
    later
      .given(given)
      .when(cancel({ requireAcknowledgement: true }))
      .thenThrows({ code: 'cancellation_notice_not_acknowledged', kind: 'unprocessable' }));

  it("accepts Partner Center's body: the order id and each line's offer", () =>
    later
      .given(given)
      .when(cancel({ orderId: ORDER.toUpperCase(), lineItemNumbers: [1], offerIds: [OFFERS.sqlStdPerpetual] }))
      .thenMatches((events) =>
        expect((events[0] as OrderCancelled).data.lineItems.map((l) => l.lineItemNumber)).toEqual([1]),
      ));

  it("refuses another order's id, naming id", () =>
    later
      .given(given)
      .when(cancel({ orderId: '44444444-4444-4444-8444-444444444444' }))
      .thenThrows({ code: 'order_id_mismatch', kind: 'validation', field: 'id' }));

  it("a line is cancelled whole: a quantity sent back must be the line's", () => {
    later
      .given(given)
      .when(cancel({ lineItemNumbers: [0], quantities: [1] }))
      .thenMatches((events) => expect(events[0].type).toBe('OrderCancelled'));
    later
      .given(placedEvents('PL', [[OFFERS.wsStdPerpetual, 3]]))
      .when(cancel({ lineItemNumbers: [0], quantities: [1] }))
      .thenThrows({ code: 'partial_cancellation', kind: 'validation', field: 'lineItems[0].quantity' });
  });

  it("refuses an offer that is not the line's, naming it", () =>
    later
      .given(given)
      .when(cancel({ lineItemNumbers: [0, 1], offerIds: [OFFERS.wsStdPerpetual, OFFERS.wsStdPerpetual] }))
      .thenThrows({ code: 'offer_mismatch', kind: 'validation', field: 'lineItems[1].offerId' }));
});

describe('provisioning status and currency symbol', () => {
  it('a line is fulfilled, cancellationPending until its cancellation propagated, then cancelled', () => {
    expect(lineProvisioningStatus({ cancelled: false }, null)).toBe('fulfilled');
    expect(lineProvisioningStatus({ cancelled: true }, { propagatedAt: null })).toBe('cancellationPending');
    expect(lineProvisioningStatus({ cancelled: true }, { propagatedAt: T0.toISOString() })).toBe('cancelled');
  });

  it('shows the symbol of the currency', () => {
    expect(currencySymbol('USD')).toBe('$');
    expect(currencySymbol('EUR')).toBe('€');
    expect(currencySymbol('PLN')).toBe('zł');
  });
});
