import { ConfigDataError, isNonEmptyString, isObject } from '../shared/config-validation';
import { OFFER_KINDS } from '../shared/types';
import type { PolicyBook } from './policy.types';

/** Lists every problem of parsed policies JSON (empty = valid). */
export const validatePolicies = (raw: unknown): string[] => {
  const p: string[] = [];
  if (!isObject(raw)) return ['policies must be an object'];
  if (!Array.isArray(raw.versions) || raw.versions.length === 0) return ['versions must be a non-empty array'];
  if (!raw.versions.some((v) => isObject(v) && v.version === raw.current))
    p.push('current must name one of the versions');
  const seen = new Set<string>();
  raw.versions.forEach((v: unknown, i: number) => {
    const at = `versions[${i}]`;
    if (!isObject(v)) return void p.push(`${at} must be an object`);
    if (!isNonEmptyString(v.version)) p.push(`${at}.version is required`);
    if (seen.has(v.version as string)) p.push(`${at}.version is duplicated`);
    seen.add(v.version as string);
    if (!isNonEmptyString(v.effectiveFrom) || Number.isNaN(Date.parse(v.effectiveFrom as string)))
      p.push(`${at}.effectiveFrom must be an ISO timestamp`);
    const c = v.cancellation;
    if (
      !isObject(c) ||
      !isObject(c.windowDays) ||
      !Array.isArray(c.notCancellableKinds) ||
      !Number.isInteger(c.propagationMinutes)
    ) {
      p.push(`${at}.cancellation must be { windowDays, notCancellableKinds, propagationMinutes, earlyTerminationFee }`);
    } else {
      for (const [k, d] of Object.entries(c.windowDays)) {
        if (!OFFER_KINDS.includes(k as never)) p.push(`${at}.cancellation.windowDays.${k} is not an offer kind`);
        if (!Number.isInteger(d) || (d as number) <= 0)
          p.push(`${at}.cancellation.windowDays.${k} must be a positive integer`);
      }
      for (const k of c.notCancellableKinds)
        if (!OFFER_KINDS.includes(k)) p.push(`${at}.cancellation.notCancellableKinds has ${String(k)}`);
    }
    const cr = v.credit;
    if (!isObject(cr) || !isObject(cr.basisByKind) || cr.rounding !== 'halfEven')
      p.push(`${at}.credit must be { basisByKind, rounding: "halfEven" }`);
    else
      for (const [k, b] of Object.entries(cr.basisByKind))
        if (b !== 'full' && b !== 'prorated') p.push(`${at}.credit.basisByKind.${k} must be full or prorated`);
    if (
      !Array.isArray(v.taxInclusiveMarkets) ||
      v.taxInclusiveMarkets.some((m) => typeof m !== 'string' || !/^[A-Z]{2}$/.test(m))
    ) {
      p.push(`${at}.taxInclusiveMarkets must list country codes`);
    }
    const dl = v.downloadLinks;
    if (!isObject(dl) || !Number.isInteger(dl.ttlDays) || !Number.isInteger(dl.maxDownloads))
      p.push(`${at}.downloadLinks must be { ttlDays, maxDownloads }`);
  });
  return p;
};

export const parsePolicies = (raw: unknown): PolicyBook => {
  const problems = validatePolicies(raw);
  if (problems.length) throw new ConfigDataError('policies.json', problems);
  return raw as PolicyBook;
};
