/**
 * Stock per offer and version, its low watermark (stream `keypool-{partnerTenantId}`: the partner's pool
 * settings) and when the pool counts as low.
 */
import { findOffer } from '../catalog/catalog';
import type { Decider } from '../shared/decider';
import type { DomainContext } from '../shared/context';
import { DomainError, IssueCollector } from '../shared/domain-error';
import { KEYED_KINDS } from './key-import';
import type { KeyPoolSettingsEvent, LowWatermarkSet } from './key-pool.events';

/** Until a partner tunes it, a pool below this many available keys of an offer and version is low. */
export const DEFAULT_LOW_WATERMARK = 10;
export const MAX_LOW_WATERMARK = 1_000_000;

/** `quarantined`: records that failed their integrity check when first taken (never served, out of stock). */
export type StockCounts = { available: number; assigned: number; revoked: number; quarantined: number };
export type StockLevel = StockCounts & { offerId: string; version: string; lowWatermark: number; low: boolean };

/** Low: fewer keys available than the watermark (a watermark of 0 never alerts). */
export const isLow = (available: number, lowWatermark: number): boolean => available < lowWatermark;

export const stockLevel = (
  offerId: string,
  version: string,
  counts: StockCounts,
  lowWatermark: number,
): StockLevel => ({ offerId, version, ...counts, lowWatermark, low: isLow(counts.available, lowWatermark) });

export type SetLowWatermark = {
  type: 'SetLowWatermark';
  data: {
    partnerTenantId: string;
    offerId: string;
    version: string;
    lowWatermark: unknown;
    user: { userId: string; upn: string; tenantId: string };
  };
};

/** The partner's watermarks by `offerId|version` (absent: DEFAULT_LOW_WATERMARK or the configured default). */
export type KeyPoolSettingsState = { watermarks: Record<string, number> };

export const watermarkKey = (offerId: string, version: string): string => `${offerId}|${version}`;

export function decideKeyPoolSettings(
  command: SetLowWatermark,
  state: KeyPoolSettingsState,
  ctx: DomainContext,
): LowWatermarkSet[] {
  const { partnerTenantId, offerId, version, lowWatermark, user } = command.data;
  const offer = findOffer(ctx.catalog, offerId);
  if (!offer || !(KEYED_KINDS as readonly string[]).includes(offer.kind))
    throw new DomainError({
      code: 'unknown_offer',
      kind: 'not_found',
      field: 'offerId',
      detail: `offer ${offerId} is not a software offer of the catalog`,
    });
  const issues = new IssueCollector();
  if (!offer.media.some((m) => m.version === version))
    issues.add('version', 'unknown_version', `version must be one of ${offer.media.map((m) => m.version).join(', ')}`);
  if (
    typeof lowWatermark !== 'number' ||
    !Number.isSafeInteger(lowWatermark) ||
    lowWatermark < 0 ||
    lowWatermark > MAX_LOW_WATERMARK
  )
    issues.add(
      'lowWatermark',
      'invalid_low_watermark',
      `lowWatermark must be an integer from 0 to ${MAX_LOW_WATERMARK}`,
    );
  issues.throwIfAny();
  if (state.watermarks[watermarkKey(offerId, version)] === lowWatermark) return [];
  return [
    {
      type: 'KeyPoolLowWatermarkSet',
      data: {
        partnerTenantId,
        offerId,
        version,
        lowWatermark: lowWatermark as number,
        setBy: user,
        at: ctx.now.toISOString(),
      },
    },
  ];
}

export function evolveKeyPoolSettings(state: KeyPoolSettingsState, event: KeyPoolSettingsEvent): KeyPoolSettingsState {
  if (event.type !== 'KeyPoolLowWatermarkSet') return state;
  const { offerId, version, lowWatermark } = event.data;
  return { watermarks: { ...state.watermarks, [watermarkKey(offerId, version)]: lowWatermark } };
}

export const keyPoolSettingsDecider: Decider<SetLowWatermark, KeyPoolSettingsEvent, KeyPoolSettingsState> = {
  decide: decideKeyPoolSettings,
  evolve: evolveKeyPoolSettings,
  initialState: () => ({ watermarks: {} }),
};
