// Deciding what a purchased software line gives: a key reveal, a download link, a download.
import { checkMediaCombination } from '../catalog/catalog';
import type { DomainContext } from '../shared/context';
import { DomainError, IssueCollector, validationError } from '../shared/domain-error';
import { type Bitness } from '../shared/types';
import type { IssueDownloadLink, RecordDownload, RevealKey } from './order.commands';
import type { DownloadLinkIssued, KeyRevealed, SoftwareDownloaded } from './order.events';
import { type DownloadLinkState, type OrderLineState, type OrderState, type PlacedOrderState } from './order.state';
import {
  MAX_DOWNLOADS_PER_LINK,
  KMS_EXPLANATION,
  requirePlaced,
  isInt,
  checkActor,
  checkChannel,
  softwareLine,
  revoked,
} from './order-decide.shared';

export const revealKey = (command: RevealKey, state: OrderState, ctx: DomainContext): KeyRevealed[] => {
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

export const issueDownloadLink = (
  command: IssueDownloadLink,
  state: OrderState,
  ctx: DomainContext,
): DownloadLinkIssued[] => {
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

export const recordDownload = (
  command: RecordDownload,
  state: OrderState,
  ctx: DomainContext,
): SoftwareDownloaded[] => {
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
