import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { lookup as lookupCallback } from 'node:dns';
import { classifyAddress, validationError } from '@csp/domain';

/** The host of a URL as DNS knows it (IPv6 literals without brackets). */
const hostOf = (url: string): string => new URL(url).hostname.replace(/^\[|\]$/g, '');

/**
 * At registration (and on a URL change): the URL's host must resolve, and only to public addresses, unless private
 * networks are allowed (tests). A refusal is a 400 naming `url`.
 */
export async function checkWebhookTarget(url: string, allowPrivate: boolean): Promise<void> {
  if (allowPrivate) return;
  const host = hostOf(url);
  let addresses: string[];
  try {
    addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    throw validationError('url', 'url_unresolvable', `url's host ${host} does not resolve`);
  }
  const blocked = addresses.find((a) => classifyAddress(a) !== 'public');
  if (addresses.length === 0 || blocked !== undefined) {
    throw validationError(
      'url',
      'url_not_public',
      `url's host ${host} resolves to a private, loopback or link-local address; webhooks go to public addresses only`,
    );
  }
}

/**
 * The lookup of every delivery's connection: the address connected to is the address checked, so a DNS answer
 * that changed since registration (rebinding) cannot reach an internal service.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookupCallback(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as { address: string; family: number }[];
      const usable = allowPrivate ? list : list.filter((a) => classifyAddress(a.address) === 'public');
      if (usable.length === 0) {
        const refused = Object.assign(new Error(`${hostname} resolves to no public address (SSRF guard)`), {
          code: 'EBLOCKED',
        });
        return callback(refused, '', 0);
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: typeof usable) => void)(null, usable);
      callback(null, usable[0].address, usable[0].family);
    });
  };
}
