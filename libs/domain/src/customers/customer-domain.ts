/** Pure helpers for customer fields. */

/** Normalises a domain for comparison and uniqueness: trimmed, lowercase, no trailing dot. */
export const normalizeDomain = (domain: string): string => domain.trim().toLowerCase().replace(/\.$/, '');

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A DNS name of at least two labels, alphabetic TLD, ≤ 253 characters (after normalisation). */
export const isValidDomain = (domain: string): boolean => {
  const d = normalizeDomain(domain);
  if (d.length === 0 || d.length > 253) return false;
  const labels = d.split('.');
  if (labels.length < 2) return false;
  if (!labels.every((l) => LABEL.test(l))) return false;
  return /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(labels[labels.length - 1]);
};

export const COMPANY_NAME_MAX = 200;
export const GUID_FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isGuid = (v: unknown): v is string => typeof v === 'string' && GUID_FORMAT.test(v);
