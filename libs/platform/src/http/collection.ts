import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '@csp/domain';

/** API.md's collection shape (Partner Center's). */
export interface Collection<T> {
  totalCount: number;
  items: T[];
  links: { self: { uri: string; method: 'GET' }; next?: { uri: string; method: 'GET' } };
  attributes: { objectType: 'Collection' };
}

/** The paging query parameters every list takes, as sent (checked by parseSize, parseContinuationToken, parseMinPosition). */
export interface PagingQuery {
  size?: string;
  continuationToken?: string;
  minPosition?: string;
}

const PAGING_PARAMETERS = ['size', 'continuationToken', 'minPosition'] as const;

/**
 * A list handler's paging parameters as one PagingQuery (`@PagingQueries() paging: PagingQuery`); documented by
 * ApiPagingQueries(). A repeated parameter arrives as its values joined by commas, which no parser accepts (400).
 */
export const PagingQueries = createParamDecorator((_data: unknown, ctx: ExecutionContext): PagingQuery => {
  const raw = ctx.switchToHttp().getRequest<FastifyRequest>().query;
  const query = new Map<string, unknown>(typeof raw === 'object' && raw !== null ? Object.entries(raw) : []);
  const paging: PagingQuery = {};
  for (const name of PAGING_PARAMETERS) {
    const value = query.get(name);
    if (value !== undefined) paging[name] = String(value);
  }
  return paging;
});

export function toCollection<T>(
  basePath: string,
  page: { items: T[]; totalCount: number; continuationToken: string | null },
  size: number,
): Collection<T> {
  const next = page.continuationToken
    ? {
        uri: `${basePath}?size=${size}&continuationToken=${encodeURIComponent(page.continuationToken)}`,
        method: 'GET' as const,
      }
    : undefined;
  return {
    totalCount: page.totalCount,
    items: page.items,
    links: { self: { uri: basePath, method: 'GET' }, ...(next ? { next } : {}) },
    attributes: { objectType: 'Collection' },
  };
}

/** Partner Center's resource attributes: each item of a collection says what it is. */
export function withObjectType<T extends object>(
  objectType: string,
): (item: T) => T & { attributes: { objectType: string } } {
  return (item) => ({ ...item, attributes: { objectType } });
}

/** `size`: 1..1000, default 100 (API.md). */
export function parseSize(size: string | undefined): number {
  if (size === undefined || size === '') return 100;
  const n = Number(size);
  if (!/^\d+$/.test(size) || n < 1 || n > 1000) {
    throw new DomainError({
      code: 'invalid_size',
      kind: 'validation',
      field: 'size',
      detail: 'size must be an integer from 1 to 1000',
    });
  }
  return n;
}

export function parseMinPosition(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,15}$/.test(value)) {
    throw new DomainError({
      code: 'invalid_min_position',
      kind: 'validation',
      field: 'minPosition',
      detail: 'minPosition must be a global position (a non-negative integer) from a command response',
    });
  }
  return Number(value);
}

export function parseContinuationToken(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(value)) throw invalidContinuationToken();
  return value;
}

export function invalidContinuationToken(): DomainError {
  return new DomainError({
    code: 'invalid_continuation_token',
    kind: 'validation',
    field: 'continuationToken',
    detail: 'continuationToken is not a token this endpoint issued',
  });
}
