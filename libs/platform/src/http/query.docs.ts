import type { ApiQueryOptions } from '@nestjs/swagger';

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
