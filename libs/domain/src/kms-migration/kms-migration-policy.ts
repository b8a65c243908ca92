import kmsMigrationPolicyJson from '../../../../config/kms-migration-policy.json';
import { ConfigDataError, isNonEmptyString, isObject } from '../shared/config-validation';

/** One version of the KMS → MAK migration rules (config/kms-migration-policy.json). */
export type KmsMigrationPolicy = {
  version: string;
  effectiveFrom: string;
  description: string;
  /** How long a KMS activation stays valid: the renewal deadline is the last activation + this many 24-hour days. */
  renewalDays: number;
  /** The warning window before the deadline: a group is `dueSoon` from deadline − warningDays. */
  warningDays: number;
};

export type KmsMigrationPolicyBook = {
  /** The version that governs newly registered device groups. */
  current: string;
  versions: KmsMigrationPolicy[];
};

/** Lists every problem of the parsed policy file (empty = valid). */
export const validateKmsMigrationPolicies = (raw: unknown): string[] => {
  if (!isObject(raw)) return ['the KMS migration policy must be an object'];
  if (!Array.isArray(raw.versions) || raw.versions.length === 0) return ['versions must be a non-empty array'];
  const p: string[] = [];
  if (!raw.versions.some((v) => isObject(v) && v.version === raw.current))
    p.push('current must name one of the versions');
  const seen = new Set<unknown>();
  raw.versions.forEach((v: unknown, i: number) => {
    const at = `versions[${i}]`;
    if (!isObject(v)) return void p.push(`${at} must be an object`);
    if (!isNonEmptyString(v.version)) p.push(`${at}.version is required`);
    else if (seen.has(v.version)) p.push(`${at}.version is duplicated`);
    seen.add(v.version);
    if (!isNonEmptyString(v.effectiveFrom) || Number.isNaN(Date.parse(v.effectiveFrom)))
      p.push(`${at}.effectiveFrom must be an ISO timestamp`);
    const positive = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0;
    if (!positive(v.renewalDays)) p.push(`${at}.renewalDays must be a positive integer`);
    if (!positive(v.warningDays)) p.push(`${at}.warningDays must be a positive integer`);
    else if (positive(v.renewalDays) && v.warningDays >= v.renewalDays)
      p.push(`${at}.warningDays must be less than renewalDays`);
  });
  return p;
};

export const parseKmsMigrationPolicies = (raw: unknown): KmsMigrationPolicyBook => {
  const problems = validateKmsMigrationPolicies(raw);
  if (problems.length) throw new ConfigDataError('kms-migration-policy.json', problems);
  return raw as KmsMigrationPolicyBook;
};

export const findKmsMigrationPolicy = (book: KmsMigrationPolicyBook, version: string): KmsMigrationPolicy => {
  const p = book.versions.find((v) => v.version === version);
  if (!p) throw new RangeError(`unknown KMS migration policy version: ${version}`);
  return p;
};

export const currentKmsMigrationPolicy = (book: KmsMigrationPolicyBook): KmsMigrationPolicy =>
  findKmsMigrationPolicy(book, book.current);

let cached: KmsMigrationPolicyBook | undefined;

/** The bundled config/kms-migration-policy.json, validated on first use. */
export const defaultKmsMigrationPolicies = (): KmsMigrationPolicyBook =>
  (cached ??= parseKmsMigrationPolicies(kmsMigrationPolicyJson));
