// Deciding PlaceOrder: offers, quantities, market, Partner Center fields, prices.
import { findOffer, mediaFacets } from '../catalog/catalog';
import type { Offer } from '../catalog/catalog.types';
import { findCountry, reservationExclusionNames } from '../markets/markets';
import { sumMinor } from '../money/money';
import { currentPolicy, isCancellableKind } from '../policies/policies';
import type { DomainContext } from '../shared/context';
import { DomainError, IssueCollector, validationError } from '../shared/domain-error';
import { isSoftwareKind } from '../shared/types';
import type { PlaceOrder } from './order.commands';
import type { OrderPlaced, PlacedLineItem } from './order.events';
import { type OrderState } from './order.state';
import { checkPartnerCenterOrder, partnerCenterLineFields } from './partner-center-order';
import { MAX_LINE_ITEMS, MAX_QUANTITY, isInt } from './order-decide.shared';

// ---------------------------------------------------------------- PlaceOrder

export const placeOrder = (command: PlaceOrder, state: OrderState, ctx: DomainContext): OrderPlaced[] => {
  if (state.status !== 'none') {
    throw new DomainError({
      code: 'order_already_exists',
      kind: 'conflict',
      detail: `order ${state.orderId} already exists`,
      data: { orderId: state.orderId },
    });
  }
  const { orderId, customer, lineItems, placedBy, partnerCenter } = command.data;
  const issues = new IssueCollector();
  if (typeof orderId !== 'string' || orderId.trim() === '')
    issues.add('orderId', 'invalid_order_id', 'orderId is required');
  if (!Array.isArray(lineItems) || lineItems.length === 0) {
    issues.add('lineItems', 'no_line_items', 'an order needs at least one line item');
    issues.throwIfAny();
  }
  if (lineItems.length > MAX_LINE_ITEMS) {
    issues.add('lineItems', 'too_many_line_items', `an order has at most ${MAX_LINE_ITEMS} line items`);
    issues.throwIfAny();
  }
  const seen = new Set<number>();
  const offers: (Offer | undefined)[] = [];
  lineItems.forEach((li, i) => {
    const at = `lineItems[${i}]`;
    if (!isInt(li?.lineItemNumber) || li.lineItemNumber < 0 || li.lineItemNumber >= lineItems.length) {
      issues.add(
        `${at}.lineItemNumber`,
        'invalid_line_item_number',
        `lineItemNumber must be an integer from 0 to ${lineItems.length - 1}`,
      );
    } else if (seen.has(li.lineItemNumber)) {
      issues.add(
        `${at}.lineItemNumber`,
        'duplicate_line_item_number',
        `lineItemNumber ${li.lineItemNumber} is used twice`,
      );
    } else seen.add(li.lineItemNumber);
    const offer = typeof li?.offerId === 'string' ? findOffer(ctx.catalog, li.offerId) : undefined;
    if (!offer)
      issues.add(
        `${at}.offerId`,
        'unknown_offer',
        `offer "${String(li?.offerId)}" does not exist in catalog ${ctx.catalog.version}`,
      );
    offers.push(offer);
    if (!isInt(li?.quantity) || li.quantity < 1 || li.quantity > MAX_QUANTITY) {
      issues.add(`${at}.quantity`, 'invalid_quantity', `quantity must be an integer from 1 to ${MAX_QUANTITY}`);
    }
  });
  const pc = checkPartnerCenterOrder(partnerCenter, lineItems, offers, customer, issues);
  issues.throwIfAny();

  const currency = customer.currencyCode;
  const unpriced = lineItems.filter((_, i) => (offers[i] as Offer).prices[currency] === undefined);
  if (unpriced.length) {
    throw new DomainError({
      code: 'offer_not_priced_in_currency',
      kind: 'unprocessable',
      field: `lineItems[${lineItems.indexOf(unpriced[0])}].offerId`,
      detail: `offer ${unpriced[0].offerId} has no price in ${currency}`,
      data: { currencyCode: currency, offerIds: unpriced.map((l) => l.offerId) },
    });
  }

  const excludedNames = reservationExclusionNames(ctx.markets, customer.country);
  if (excludedNames.length) {
    const blocked = lineItems
      .map((li, i) => ({ li, i }))
      .filter(({ i }) => (offers[i] as Offer).kind === 'azureReservation');
    if (blocked.length) {
      const country = findCountry(ctx.markets, customer.country);
      const name = country?.name ?? customer.country;
      throw new DomainError({
        code: 'offer_not_available_in_market',
        kind: 'unprocessable',
        field: `lineItems[${blocked[0].i}].offerId`,
        detail:
          `Azure reservations are not sold in ${name} (${customer.country})` +
          (excludedNames.length && excludedNames.join(', ') !== name ? `, listed as ${excludedNames.join(', ')}` : '') +
          `; remove line item(s) ${blocked.map((b) => b.li.lineItemNumber).join(', ')}. Other products are still sold there.`,
        errors: blocked.map((b) => ({
          field: `lineItems[${b.i}].offerId`,
          code: 'offer_not_available_in_market',
          message: `Azure reservations are not sold in ${name} (${customer.country})`,
        })),
        data: {
          market: { code: customer.country, name, listedAs: excludedNames },
          lineItemNumbers: blocked.map((b) => b.li.lineItemNumber),
          exclusionListVersion: ctx.markets.azureReservationExclusions.current,
        },
      });
    }
  }

  const policy = currentPolicy(ctx.policies);
  const placed: PlacedLineItem[] = lineItems
    .map((li, i) => {
      const offer = offers[i] as Offer;
      const unitPrice = offer.prices[currency];
      const lineTotal = unitPrice * li.quantity;
      if (!Number.isSafeInteger(lineTotal))
        throw validationError(`lineItems[${i}].quantity`, 'invalid_quantity', 'line total is too large');
      const software = isSoftwareKind(offer.kind);
      return {
        lineItemNumber: li.lineItemNumber,
        offerId: offer.id,
        productId: offer.productId,
        skuId: offer.skuId,
        availabilityId: offer.availabilityId,
        friendlyName: offer.friendlyName,
        kind: offer.kind,
        termDuration: offer.termDuration,
        quantity: li.quantity,
        unitPrice,
        lineTotal,
        cancellable: isCancellableKind(policy, offer.kind),
        media: software ? offer.media : [],
        ...mediaFacets(software ? offer.media : []),
        ...partnerCenterLineFields(li),
      };
    })
    .sort((a, b) => a.lineItemNumber - b.lineItemNumber);

  return [
    {
      type: 'OrderPlaced',
      data: {
        orderId,
        customerId: customer.customerId,
        partnerTenantId: customer.partnerTenantId,
        country: customer.country,
        currencyCode: currency,
        taxInclusive: customer.taxInclusive,
        lineItems: placed,
        total: sumMinor(placed.map((l) => l.lineTotal)),
        placedAt: ctx.now.toISOString(),
        status: 'completed',
        catalogVersion: ctx.catalog.version,
        policyVersion: policy.version,
        marketsVersion: ctx.markets.version,
        placedBy: placedBy ? { userId: placedBy.userId, upn: placedBy.upn } : null,
        ...pc,
      },
    },
  ];
};
