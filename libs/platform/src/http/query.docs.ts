import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiQuery, getSchemaPath, type ApiQueryOptions } from '@nestjs/swagger';

// OpenAPI descriptions of the paging and read-your-writes query parameters every list takes.

export const SIZE_QUERY: ApiQueryOptions = {
  name: 'size',
  required: false,
  schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  description: 'Items per page',
};

export const CONTINUATION_TOKEN_QUERY: ApiQueryOptions = {
  name: 'continuationToken',
  required: false,
  schema: { type: 'string' },
  description: 'From `links.next` of the previous page',
};

export const MIN_POSITION_QUERY: ApiQueryOptions = {
  name: 'minPosition',
  required: false,
  schema: { type: 'integer', minimum: 0 },
  description:
    'Read-your-writes: wait (bounded) until the list has applied this global position (a command’s X-Event-Position)',
};

/**
 * `size`, `continuationToken` and `minPosition`, documented in this order, as every paged list takes them (the
 * handler reads them with `@PagingQueries()`). `{ minPosition: false }`: a list folded from its stream on every
 * read, so always current, has no read-your-writes wait.
 */
export const ApiPagingQueries = (options: { minPosition?: boolean } = {}): MethodDecorator =>
  // Documented in the order of the ApiQuery metadata, which applyDecorators adds in array order.
  applyDecorators(
    ApiQuery(SIZE_QUERY),
    ApiQuery(CONTINUATION_TOKEN_QUERY),
    ...(options.minPosition === false ? [] : [ApiQuery(MIN_POSITION_QUERY)]),
  );

/** A 200 that is a collection as JSON, or the whole filter as CSV with `Accept: text/csv`. */
export const ApiJsonOrCsvResponse = (collection: Type<unknown>, description: string): MethodDecorator =>
  applyDecorators(
    ApiExtraModels(collection),
    ApiOkResponse({
      description,
      content: {
        'application/json': { schema: { $ref: getSchemaPath(collection) } },
        'text/csv': { schema: { type: 'string' } },
      },
    }),
  );
