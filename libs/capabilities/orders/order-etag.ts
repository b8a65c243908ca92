import type { FastifyReply } from 'fastify';
import { DomainError } from '@csp/domain';

/** An order's ETag is its stream revision (the number of its events), as a strong entity tag. */
export function setEtag(reply: FastifyReply, revision: number): void {
  reply.header('ETag', `"${revision}"`);
}

/**
 * If-Match on a command: the revision it names, or undefined for none or `*` (any current order: today's
 * behaviour). One entity tag only, strong or weak (`"3"`, `W/"3"`); anything else is a 400 naming the header.
 */
export function parseIfMatch(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '' || value.trim() === '*') return undefined;
  const m = /^(?:W\/)?"(\d{1,15})"$/.exec(value.trim());
  if (!m) {
    throw new DomainError({
      code: 'invalid_if_match',
      kind: 'validation',
      field: 'If-Match',
      detail: 'If-Match must be one entity tag as the ETag header gave it, such as "3"',
    });
  }
  return Number(m[1]);
}
