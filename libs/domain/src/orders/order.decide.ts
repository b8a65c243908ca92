import { checkMediaCombination, findOffer, mediaFacets } from '../catalog/catalog';
import type { Offer } from '../catalog/catalog.types';
import { findCountry, reservationExclusionNames } from '../markets/markets';
import { formatMoney, sumMinor } from '../money/money';
import {
  cancellationWindowEndsAt,
  currentPolicy,
  findPolicy,
  isCancellableKind,
  isWithinWindow,
  lineCredit,
  MS_PER_MINUTE,
} from '../policies/policies';
import type { Policy } from '../policies/policy.types';
import type { DomainContext } from '../shared/context';
import type { Decider } from '../shared/decider';
import { DomainError, IssueCollector, validationError } from '../shared/domain-error';
import { ACCESS_CHANNELS, isSoftwareKind, type AccessChannel, type Actor, type Bitness } from '../shared/types';
import type {
  CancelOrder,
  IssueDownloadLink,
  MarkCancellationPropagated,
  OrderCommand,
  PlaceOrder,
  RecordDownload,
  RevealKey,
  WarnCancellationWindowClosing,
} from './order.commands';
import type {
  CancellationPropagated,
  CancellationPropagationOverdue,
  CancellationWindowClosing,
  CancelledLineItem,
  DownloadLinkIssued,
  KeyRevealed,
  OrderCancelled,
  OrderEvent,
  OrderPlaced,
  PlacedLineItem,
  SoftwareDownloaded,
} from './order.events';
import {
  evolveOrder,
  initialOrderState,
  type DownloadLinkState,
  type OrderLineState,
  type OrderState,
  type PlacedOrderState,
  windowWarningKey,
} from './order.state';
import {
  checkCancellationNotice,
  checkCancelReferences,
  checkPartnerCenterOrder,
  partnerCenterLineFields,
} from './partner-center-order';

/** Sane upper bounds (our decisions). */
export const MAX_LINE_ITEMS = 100;
export const MAX_QUANTITY = 10_000;
export const MAX_DOWNLOADS_PER_LINK = 1_000;

export const KMS_EXPLANATION =
  'KMS keys are never issued through the CSP program, even on request: CSP software is activated with a MAK ' +
  '(multiple activation key). Request keyType "MAK" (or omit keyType). To move devices from KMS to MAK without ' +
  'downtime, deploy the MAK within the 180 days a KMS activation stays valid.';

const orderNotFound = (): DomainError =>
  new DomainError({ code: 'order_not_found', kind: 'not_found', detail: 'the order does not exist' });

const requirePlaced = (state: OrderState): PlacedOrderState => {
  if (state.status === 'none') throw orderNotFound();
  return state;
};

/** The policy version that governs this order (the one recorded at purchase). */
export const orderPolicy = (state: PlacedOrderState, ctx: Pick<DomainContext, 'policies'>): Policy =>
  findPolicy(ctx.policies, state.policyVersion);

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

// ---------------------------------------------------------------- PlaceOrder

const placeOrder = (command: PlaceOrder, state: OrderState, ctx: DomainContext): OrderPlaced[] => {
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

// ---------------------------------------------------------------- shared checks

const checkActor = (issues: IssueCollector, user: Actor | undefined, field = 'user'): void => {
  if (!user || typeof user.userId !== 'string' || user.userId === '')
    issues.add(`${field}.userId`, 'invalid_user', 'the acting user is required');
  if (!user || typeof user.upn !== 'string')
    issues.add(`${field}.upn`, 'invalid_user', 'the acting user principal name is required');
};

const checkChannel = (issues: IssueCollector, channel: unknown): void => {
  if (!ACCESS_CHANNELS.includes(channel as AccessChannel))
    issues.add('channel', 'invalid_channel', `channel must be one of ${ACCESS_CHANNELS.join(', ')}`);
};

const softwareLine = (state: PlacedOrderState, lineItemNumber: number): OrderLineState => {
  const line = isInt(lineItemNumber) ? state.lineItems.find((l) => l.lineItemNumber === lineItemNumber) : undefined;
  if (!line || !isSoftwareKind(line.kind)) {
    throw new DomainError({
      code: 'software_not_found',
      kind: 'not_found',
      detail: line
        ? `line item ${lineItemNumber} (${line.kind}) has no software: no keys or downloads`
        : `order ${state.orderId} has no line item ${String(lineItemNumber)}`,
      data: { orderId: state.orderId, lineItemNumber },
    });
  }
  return line;
};

const revoked = (state: PlacedOrderState, line: OrderLineState, what: string): DomainError =>
  new DomainError({
    code: 'revoked',
    kind: 'gone',
    detail: `${what} of line item ${line.lineItemNumber} of order ${state.orderId} were revoked when the purchase was cancelled at ${line.cancelledAt}`,
    data: { orderId: state.orderId, lineItemNumber: line.lineItemNumber, cancelledAt: line.cancelledAt },
  });

// ---------------------------------------------------------------- RevealKey

const revealKey = (command: RevealKey, state: OrderState, ctx: DomainContext): KeyRevealed[] => {
  const { lineItemNumber, version, keyType, user, channel, retry } = command.data;
  if (keyType !== undefined && keyType !== null && typeof keyType === 'string' && keyType.toUpperCase() === 'KMS') {
    throw new DomainError({
      code: 'kms_not_allowed',
      kind: 'validation',
      field: 'keyType',
      detail: KMS_EXPLANATION,
      data: { allowedKeyTypes: ['MAK'] },
    });
  }
  const issues = new IssueCollector();
  if (keyType !== undefined && keyType !== null && keyType !== 'MAK')
    issues.add('keyType', 'invalid_key_type', 'keyType must be "MAK" (CSP issues MAK keys only)');
  if (typeof version !== 'string' || version === '') issues.add('version', 'invalid_version', 'version is required');
  checkActor(issues, user);
  checkChannel(issues, channel);
  issues.throwIfAny();
  const order = requirePlaced(state);
  const line = softwareLine(order, lineItemNumber);
  if (line.cancelled) throw revoked(order, line, 'the product keys');
  const combo = checkMediaCombination(line.media, { version });
  if (!combo.ok) throw validationError('version', 'unknown_version', combo.message, { versions: line.versions });
  return [
    {
      type: 'KeyRevealed',
      data: {
        orderId: order.orderId,
        customerId: order.customerId,
        partnerTenantId: order.partnerTenantId,
        lineItemNumber: line.lineItemNumber,
        offerId: line.offerId,
        version,
        keyType: 'MAK',
        userId: user.userId,
        upn: user.upn,
        userTenantId: user.tenantId,
        channel,
        at: ctx.now.toISOString(),
        ...(retry === true ? { retry: true as const } : {}),
      },
    },
  ];
};

// ---------------------------------------------------------------- IssueDownloadLink

const issueDownloadLink = (command: IssueDownloadLink, state: OrderState, ctx: DomainContext): DownloadLinkIssued[] => {
  const { lineItemNumber, version, language, bitness, linkId, expiresAt, maxDownloads, user, channel } = command.data;
  const order = requirePlaced(state);
  const line = softwareLine(order, lineItemNumber);
  if (line.cancelled) throw revoked(order, line, 'the downloads');
  const issues = new IssueCollector();
  if (typeof version !== 'string' || !line.versions.includes(version)) {
    issues.add('version', 'unknown_version', `version must be one of ${line.versions.join(', ')}`);
  } else {
    const media = line.media.find((m) => m.version === version);
    if (media && (typeof language !== 'string' || !media.languages.includes(language))) {
      issues.add('language', 'unknown_language', `version ${version} is available in ${media.languages.join(', ')}`);
    }
    if (media && (typeof bitness !== 'string' || !(media.bitness as string[]).includes(bitness))) {
      issues.add('bitness', 'unknown_bitness', `version ${version} is available as ${media.bitness.join(', ')}`);
    }
  }
  if (typeof linkId !== 'string' || linkId.trim() === '') issues.add('linkId', 'invalid_link_id', 'linkId is required');
  const expires = typeof expiresAt === 'string' ? Date.parse(expiresAt) : NaN;
  if (Number.isNaN(expires) || expires <= ctx.now.getTime())
    issues.add('expiresAt', 'invalid_expiry', 'expiresAt must be an ISO timestamp after now');
  if (!isInt(maxDownloads) || maxDownloads < 1 || maxDownloads > MAX_DOWNLOADS_PER_LINK) {
    issues.add(
      'maxDownloads',
      'invalid_max_downloads',
      `maxDownloads must be an integer from 1 to ${MAX_DOWNLOADS_PER_LINK}`,
    );
  }
  checkActor(issues, user);
  checkChannel(issues, channel);
  issues.throwIfAny();
  if (order.links[linkId]) {
    throw new DomainError({
      code: 'download_link_exists',
      kind: 'conflict',
      detail: `download link ${linkId} already exists`,
      data: { linkId },
    });
  }
  return [
    {
      type: 'DownloadLinkIssued',
      data: {
        orderId: order.orderId,
        customerId: order.customerId,
        partnerTenantId: order.partnerTenantId,
        lineItemNumber: line.lineItemNumber,
        offerId: line.offerId,
        linkId,
        version,
        language,
        bitness: bitness as Bitness,
        issuedAt: ctx.now.toISOString(),
        expiresAt: new Date(expires).toISOString(),
        maxDownloads,
        userId: user.userId,
        upn: user.upn,
        userTenantId: user.tenantId,
        channel,
      },
    },
  ];
};

// ---------------------------------------------------------------- downloads

/**
 * Whether a link may serve a download now (no event). Throws 404 `download_link_not_found`,
 * 410 `revoked` (its line was cancelled), 410 `link_expired` (now ≥ expiresAt), 410 `link_used_up`
 * (downloads ≥ maxDownloads). Use it before streaming the bits; RecordDownload checks the same.
 */
export const assertDownloadAllowed = (
  state: OrderState,
  linkId: string,
  now: Date,
): { link: DownloadLinkState; line: OrderLineState; order: PlacedOrderState } => {
  const order = requirePlaced(state);
  const link = order.links[linkId];
  if (!link)
    throw new DomainError({
      code: 'download_link_not_found',
      kind: 'not_found',
      detail: 'the download link does not exist',
      data: { linkId },
    });
  const line = order.lineItems.find((l) => l.lineItemNumber === link.lineItemNumber) as OrderLineState;
  if (line.cancelled) throw revoked(order, line, 'the download links');
  if (now.getTime() >= Date.parse(link.expiresAt)) {
    throw new DomainError({
      code: 'link_expired',
      kind: 'gone',
      detail: `the download link expired at ${link.expiresAt}`,
      data: { linkId, expiresAt: link.expiresAt },
    });
  }
  if (link.downloads >= link.maxDownloads) {
    throw new DomainError({
      code: 'link_used_up',
      kind: 'gone',
      detail: `the download link has been used ${link.downloads} of ${link.maxDownloads} times`,
      data: { linkId, maxDownloads: link.maxDownloads },
    });
  }
  return { link, line, order };
};

const recordDownload = (command: RecordDownload, state: OrderState, ctx: DomainContext): SoftwareDownloaded[] => {
  const { linkId, sha256, bytes, client } = command.data;
  const issues = new IssueCollector();
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(sha256))
    issues.add('sha256', 'invalid_sha256', 'sha256 must be 64 hexadecimal characters');
  if (!Number.isSafeInteger(bytes) || bytes < 0)
    issues.add('bytes', 'invalid_bytes', 'bytes must be a non-negative integer');
  issues.throwIfAny();
  const { link, line, order } = assertDownloadAllowed(state, linkId, ctx.now);
  return [
    {
      type: 'SoftwareDownloaded',
      data: {
        orderId: order.orderId,
        customerId: order.customerId,
        partnerTenantId: order.partnerTenantId,
        lineItemNumber: line.lineItemNumber,
        offerId: line.offerId,
        linkId,
        version: link.version,
        language: link.language,
        bitness: link.bitness,
        sha256: sha256.toLowerCase(),
        bytes,
        downloadNumber: link.downloads + 1,
        channel: 'downloadLink',
        linkIssuedBy: link.issuedBy,
        client: client
          ? {
              ...(client.ipHash ? { ipHash: client.ipHash } : {}),
              ...(client.userAgent ? { userAgent: client.userAgent } : {}),
            }
          : null,
        at: ctx.now.toISOString(),
      },
    },
  ];
};

// ---------------------------------------------------------------- CancelOrder

const cancelOrder = (command: CancelOrder, state: OrderState, ctx: DomainContext): OrderCancelled[] => {
  const { lineItemNumbers, acknowledgedNotice, requireAcknowledgement, requestedBy } = command.data;
  const order = requirePlaced(state);
  const issues = new IssueCollector();
  checkActor(issues, requestedBy, 'requestedBy');
  const { orderId, offerIds, quantities } = command.data;
  checkCancelReferences(order, orderId, lineItemNumbers, offerIds, issues, quantities);
  issues.throwIfAny();
  checkCancellationNotice(acknowledgedNotice, requireAcknowledgement);
  if (order.cancellation) {
    throw new DomainError({
      code: 'already_cancelled',
      kind: 'conflict',
      detail: `order ${order.orderId} was already cancelled at ${order.cancellation.cancelledAt}; an order is cancelled once`,
      data: { orderId: order.orderId, cancelledAt: order.cancellation.cancelledAt },
    });
  }
  let targets: OrderLineState[];
  if (lineItemNumbers === undefined || lineItemNumbers === null || lineItemNumbers.length === 0) {
    targets = order.lineItems.filter((l) => !l.cancelled);
  } else {
    const seen = new Set<number>();
    lineItemNumbers.forEach((n, i) => {
      const field = `lineItems[${i}].lineItemNumber`;
      if (!isInt(n) || !order.lineItems.some((l) => l.lineItemNumber === n))
        issues.add(field, 'unknown_line_item', `order ${order.orderId} has no line item ${String(n)}`);
      else if (seen.has(n)) issues.add(field, 'duplicate_line_item_number', `line item ${n} is listed twice`);
      seen.add(n);
    });
    issues.throwIfAny();
    targets = order.lineItems.filter((l) => seen.has(l.lineItemNumber));
  }
  const policy = orderPolicy(order, ctx);
  const blocked = targets.filter((l) => !isCancellableKind(policy, l.kind));
  if (blocked.length) {
    throw new DomainError({
      code: 'not_cancellable',
      kind: 'conflict',
      detail:
        `line item(s) ${blocked.map((l) => `${l.lineItemNumber} (${l.friendlyName})`).join(', ')} cannot be cancelled: ` +
        'SUSE and Red Hat software plans are never cancellable or exchangeable, and Azure reservations follow their own process' +
        (lineItemNumbers?.length ? '' : '; name the line items to cancel'),
      data: {
        orderId: order.orderId,
        lineItemNumbers: blocked.map((l) => l.lineItemNumber),
        kinds: [...new Set(blocked.map((l) => l.kind))],
      },
    });
  }
  const placedAt = new Date(order.placedAt);
  for (const l of targets) {
    const end = cancellationWindowEndsAt(policy, l.kind, placedAt) as Date;
    if (!isWithinWindow(ctx.now, end)) {
      throw new DomainError({
        code: 'cancellation_window_passed',
        kind: 'conflict',
        detail: `the cancellation window of order ${order.orderId} closed at ${end.toISOString()} (${policy.cancellation.windowDays[l.kind]} days after the purchase at ${order.placedAt})`,
        data: { orderId: order.orderId, windowEndsAt: end.toISOString(), placedAt: order.placedAt },
      });
    }
  }
  const lines: CancelledLineItem[] = targets.map((l) => {
    const c = lineCredit(policy, l, placedAt, ctx.now);
    return {
      lineItemNumber: l.lineItemNumber,
      offerId: l.offerId,
      friendlyName: l.friendlyName,
      kind: l.kind,
      termDuration: l.termDuration,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      lineTotal: l.lineTotal,
      credit: c.credit,
      basis: c.basis,
      daysUsed: c.daysUsed,
      termDays: c.termDays,
    };
  });
  const cancelledNumbers = new Set([
    ...lines.map((l) => l.lineItemNumber),
    ...order.lineItems.filter((l) => l.cancelled).map((l) => l.lineItemNumber),
  ]);
  const windowEnds = targets.map((l) => (cancellationWindowEndsAt(policy, l.kind, placedAt) as Date).getTime());
  return [
    {
      type: 'OrderCancelled',
      data: {
        orderId: order.orderId,
        customerId: order.customerId,
        partnerTenantId: order.partnerTenantId,
        lineItems: lines,
        currencyCode: order.currencyCode,
        taxInclusive: order.taxInclusive,
        totalCredit: sumMinor(lines.map((l) => l.credit)),
        earlyTerminationFee: 0,
        cancelledAt: ctx.now.toISOString(),
        propagationDeadline: new Date(
          ctx.now.getTime() + policy.cancellation.propagationMinutes * MS_PER_MINUTE,
        ).toISOString(),
        statusAfter: order.lineItems.every((l) => cancelledNumbers.has(l.lineItemNumber)) ? 'cancelled' : 'completed',
        windowEndsAt: new Date(Math.min(...windowEnds)).toISOString(),
        policyVersion: policy.version,
        requestedBy: { userId: requestedBy.userId, upn: requestedBy.upn, tenantId: requestedBy.tenantId },
        revokedLinkIds: Object.values(order.links)
          .filter((k) => cancelledNumbers.has(k.lineItemNumber))
          .map((k) => k.linkId),
        ...(typeof acknowledgedNotice === 'boolean' ? { acknowledgedCancellationNotice: acknowledgedNotice } : {}),
      },
    },
  ];
};

// ---------------------------------------------------------------- propagation

const requireCancellation = (state: OrderState) => {
  const order = requirePlaced(state);
  if (!order.cancellation) {
    throw new DomainError({
      code: 'not_cancelled',
      kind: 'conflict',
      detail: `order ${order.orderId} has no cancellation to propagate`,
    });
  }
  return { order, cancellation: order.cancellation };
};

const STEP_TIMES = ['keysRevokedAt', 'linksRevokedAt', 'creditPostedAt'] as const;

const markPropagated = (
  command: MarkCancellationPropagated,
  state: OrderState,
  ctx: DomainContext,
): CancellationPropagated[] => {
  const { order, cancellation } = requireCancellation(state);
  if (cancellation.propagatedAt) return []; // idempotent
  const steps: Partial<Record<(typeof STEP_TIMES)[number], string>> = {};
  for (const name of STEP_TIMES) {
    const value = command.data?.[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
      throw validationError(name, 'invalid_instant', `${name} must be an ISO timestamp`);
    steps[name] = new Date(value).toISOString();
  }
  return [
    {
      type: 'CancellationPropagated',
      data: {
        orderId: order.orderId,
        customerId: order.customerId,
        cancelledAt: cancellation.cancelledAt,
        propagatedAt: ctx.now.toISOString(),
        withinDeadline: ctx.now.getTime() <= Date.parse(cancellation.propagationDeadline),
        ...steps,
      },
    },
  ];
};

/**
 * Once, only while still unpropagated and only after the deadline (a propagation at the deadline itself
 * is within it); otherwise nothing to record.
 */
const markOverdue = (state: OrderState, ctx: DomainContext): CancellationPropagationOverdue[] => {
  const { order, cancellation } = requireCancellation(state);
  if (cancellation.propagatedAt || cancellation.overdueAt) return [];
  if (ctx.now.getTime() <= Date.parse(cancellation.propagationDeadline)) return [];
  return [
    {
      type: 'CancellationPropagationOverdue',
      data: {
        orderId: order.orderId,
        customerId: order.customerId,
        cancelledAt: cancellation.cancelledAt,
        propagationDeadline: cancellation.propagationDeadline,
        detectedAt: ctx.now.toISOString(),
      },
    },
  ];
};

/** Hours before the end of a cancellation window at which the partner is warned. */
export const WINDOW_WARNING_HOURS: readonly number[] = [72, 24];
const MS_PER_HOUR = 60 * MS_PER_MINUTE;

/** The distinct window ends of an order's still-cancellable lines, each with its line numbers. */
export const openCancellationWindows = (
  order: PlacedOrderState,
  ctx: Pick<DomainContext, 'policies'>,
): { windowEndsAt: string; lineItemNumbers: number[] }[] => {
  const policy = orderPolicy(order, ctx);
  const byEnd = new Map<string, number[]>();
  for (const line of order.lineItems) {
    if (line.cancelled) continue;
    const end = cancellationWindowEndsAt(policy, line.kind, new Date(order.placedAt));
    if (!end) continue;
    const key = end.toISOString();
    byEnd.set(key, [...(byEnd.get(key) ?? []), line.lineItemNumber]);
  }
  return [...byEnd].map(([windowEndsAt, lineItemNumbers]) => ({ windowEndsAt, lineItemNumbers }));
};

/**
 * Nothing once the order has a cancellation (an order is cancelled once), before the warning is due,
 * once the window has closed, or when this warning was already given: delayed jobs may fire late, early
 * or twice.
 */
const warnWindowClosing = (
  command: WarnCancellationWindowClosing,
  state: OrderState,
  ctx: DomainContext,
): CancellationWindowClosing[] => {
  const order = requirePlaced(state);
  const { windowEndsAt, hoursBefore } = command.data;
  const end = typeof windowEndsAt === 'string' ? Date.parse(windowEndsAt) : NaN;
  if (Number.isNaN(end))
    throw validationError('windowEndsAt', 'invalid_instant', 'windowEndsAt must be an ISO timestamp');
  if (!WINDOW_WARNING_HOURS.includes(hoursBefore))
    throw validationError(
      'hoursBefore',
      'invalid_hours',
      `hoursBefore must be one of ${WINDOW_WARNING_HOURS.join(', ')}`,
    );
  const endsAt = new Date(end).toISOString();
  const now = ctx.now.getTime();
  if (order.cancellation || now >= end || now < end - hoursBefore * MS_PER_HOUR) return [];
  if (order.windowWarnings.includes(windowWarningKey(endsAt, hoursBefore))) return [];
  const window = openCancellationWindows(order, ctx).find((w) => w.windowEndsAt === endsAt);
  if (!window) return [];
  return [
    {
      type: 'CancellationWindowClosing',
      data: {
        orderId: order.orderId,
        customerId: order.customerId,
        partnerTenantId: order.partnerTenantId,
        windowEndsAt: endsAt,
        hoursBefore,
        lineItemNumbers: window.lineItemNumbers,
        warnedAt: ctx.now.toISOString(),
      },
    },
  ];
};

// ---------------------------------------------------------------- decider

export const decideOrder = (command: OrderCommand, state: OrderState, context: DomainContext): OrderEvent[] => {
  switch (command.type) {
    case 'PlaceOrder':
      return placeOrder(command, state, context);
    case 'RevealKey':
      return revealKey(command, state, context);
    case 'IssueDownloadLink':
      return issueDownloadLink(command, state, context);
    case 'RecordDownload':
      return recordDownload(command, state, context);
    case 'CancelOrder':
      return cancelOrder(command, state, context);
    case 'MarkCancellationPropagated':
      return markPropagated(command, state, context);
    case 'MarkCancellationOverdue':
      return markOverdue(state, context);
    case 'WarnCancellationWindowClosing':
      return warnWindowClosing(command, state, context);
    default: {
      const never: never = command;
      throw new Error(`unknown order command ${JSON.stringify(never)}`);
    }
  }
};

export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState> = {
  decide: decideOrder,
  evolve: evolveOrder,
  initialState: initialOrderState,
};

/** Formats minor units in the order's currency (helper for views). */
export const orderMoney = (state: PlacedOrderState, amountMinor: number) =>
  formatMoney(amountMinor, state.currencyCode);
