import type { Bitness, IsoDateTime } from '../shared/types';
import type { OrderEvent, PlacedLineItem } from './order.events';

export type OrderLineState = PlacedLineItem & {
  cancelled: boolean;
  cancelledAt: IsoDateTime | null;
  /** Credit of the cancellation, minor units (null while not cancelled). */
  credit: number | null;
  keyReveals: number;
};

export type DownloadLinkState = {
  linkId: string;
  lineItemNumber: number;
  version: string;
  language: string;
  bitness: Bitness;
  issuedAt: IsoDateTime;
  expiresAt: IsoDateTime;
  maxDownloads: number;
  downloads: number;
  issuedBy: { userId: string; upn: string };
};

export type OrderCancellationState = {
  cancelledAt: IsoDateTime;
  propagationDeadline: IsoDateTime;
  lineItemNumbers: number[];
  totalCredit: number;
  policyVersion: string;
  requestedBy: { userId: string; upn: string; tenantId: string };
  propagatedAt: IsoDateTime | null;
  /** When CancellationPropagationOverdue was recorded (null: not, or not yet). */
  overdueAt: IsoDateTime | null;
};

export type PlacedOrderState = {
  status: 'completed' | 'cancelled';
  orderId: string;
  customerId: string;
  partnerTenantId: string;
  country: string;
  currencyCode: string;
  taxInclusive: boolean;
  placedAt: IsoDateTime;
  total: number;
  catalogVersion: string;
  policyVersion: string;
  marketsVersion: string;
  lineItems: OrderLineState[];
  links: Record<string, DownloadLinkState>;
  cancellation: OrderCancellationState | null;
  keyReveals: number;
  downloads: number;
  /** Window-closing warnings already given, as windowWarningKey(windowEndsAt, hoursBefore). */
  windowWarnings: string[];
};

/** Identifies one window-closing warning of an order. */
export const windowWarningKey = (windowEndsAt: IsoDateTime, hoursBefore: number): string =>
  `${windowEndsAt}|${hoursBefore}`;

export type OrderState = { status: 'none' } | PlacedOrderState;

export const initialOrderState = (): OrderState => ({ status: 'none' });

export const isPlacedOrder = (state: OrderState): state is PlacedOrderState => state.status !== 'none';

const updateLine = (state: PlacedOrderState, n: number, f: (l: OrderLineState) => OrderLineState): OrderLineState[] =>
  state.lineItems.map((l) => (l.lineItemNumber === n ? f(l) : l));

export const evolveOrder = (state: OrderState, event: OrderEvent): OrderState => {
  if (event.type === 'OrderPlaced') {
    const d = event.data;
    return {
      status: d.status,
      orderId: d.orderId,
      customerId: d.customerId,
      partnerTenantId: d.partnerTenantId,
      country: d.country,
      currencyCode: d.currencyCode,
      taxInclusive: d.taxInclusive,
      placedAt: d.placedAt,
      total: d.total,
      catalogVersion: d.catalogVersion,
      policyVersion: d.policyVersion,
      marketsVersion: d.marketsVersion,
      lineItems: d.lineItems.map((l) => ({ ...l, cancelled: false, cancelledAt: null, credit: null, keyReveals: 0 })),
      links: {},
      cancellation: null,
      keyReveals: 0,
      downloads: 0,
      windowWarnings: [],
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'KeyRevealed':
      return {
        ...state,
        keyReveals: state.keyReveals + 1,
        lineItems: updateLine(state, event.data.lineItemNumber, (l) => ({ ...l, keyReveals: l.keyReveals + 1 })),
      };
    case 'DownloadLinkIssued': {
      const d = event.data;
      return {
        ...state,
        links: {
          ...state.links,
          [d.linkId]: {
            linkId: d.linkId,
            lineItemNumber: d.lineItemNumber,
            version: d.version,
            language: d.language,
            bitness: d.bitness,
            issuedAt: d.issuedAt,
            expiresAt: d.expiresAt,
            maxDownloads: d.maxDownloads,
            downloads: 0,
            issuedBy: { userId: d.userId, upn: d.upn },
          },
        },
      };
    }
    case 'SoftwareDownloaded': {
      const link = state.links[event.data.linkId];
      return {
        ...state,
        downloads: state.downloads + 1,
        links: link ? { ...state.links, [link.linkId]: { ...link, downloads: link.downloads + 1 } } : state.links,
      };
    }
    case 'OrderCancelled': {
      const d = event.data;
      const credits = new Map(d.lineItems.map((l) => [l.lineItemNumber, l.credit]));
      return {
        ...state,
        status: d.statusAfter,
        lineItems: state.lineItems.map((l) =>
          credits.has(l.lineItemNumber)
            ? { ...l, cancelled: true, cancelledAt: d.cancelledAt, credit: credits.get(l.lineItemNumber) ?? 0 }
            : l,
        ),
        cancellation: {
          cancelledAt: d.cancelledAt,
          propagationDeadline: d.propagationDeadline,
          lineItemNumbers: d.lineItems.map((l) => l.lineItemNumber),
          totalCredit: d.totalCredit,
          policyVersion: d.policyVersion,
          requestedBy: d.requestedBy,
          propagatedAt: null,
          overdueAt: null,
        },
      };
    }
    case 'CancellationPropagated':
      return state.cancellation
        ? { ...state, cancellation: { ...state.cancellation, propagatedAt: event.data.propagatedAt } }
        : state;
    case 'CancellationPropagationOverdue':
      return state.cancellation
        ? { ...state, cancellation: { ...state.cancellation, overdueAt: event.data.detectedAt } }
        : state;
    case 'CancellationWindowClosing':
      return {
        ...state,
        windowWarnings: [...state.windowWarnings, windowWarningKey(event.data.windowEndsAt, event.data.hoursBefore)],
      };
    default:
      return state;
  }
};

/** Whether keys and links of a line are revoked (its line was cancelled). */
export const isLineRevoked = (state: PlacedOrderState, lineItemNumber: number): boolean =>
  state.lineItems.some((l) => l.lineItemNumber === lineItemNumber && l.cancelled);

/** Software id of a line (GET /v1/customers/{id}/software items): `{orderId}_{lineItemNumber}`. */
export const softwareIdOf = (orderId: string, lineItemNumber: number): string => `${orderId}_${lineItemNumber}`;

/** Parses a software id back into (orderId, lineItemNumber); null when malformed. */
export const parseSoftwareId = (softwareId: string): { orderId: string; lineItemNumber: number } | null => {
  const i = softwareId.lastIndexOf('_');
  if (i <= 0) return null;
  const n = softwareId.slice(i + 1);
  if (!/^(0|[1-9]\d{0,4})$/.test(n)) return null;
  return { orderId: softwareId.slice(0, i), lineItemNumber: Number(n) };
};
