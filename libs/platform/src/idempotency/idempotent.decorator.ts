import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';

export const IDEMPOTENT_KEY = 'csp:idempotent';

/**
 * Mark a command endpoint (POST/PATCH): a retry with the same MS-RequestId by the same caller gets
 * the first response again (header `x-idempotent-replay: true`) and the handler does not run twice.
 * Needs IdempotencyModule in the app.
 */
export const Idempotent = (): MethodDecorator =>
  applyDecorators(
    SetMetadata(IDEMPOTENT_KEY, true),
    ApiHeader({
      name: 'MS-RequestId',
      required: false,
      description: 'GUID. A retry with the same value returns the first response and has no second effect.',
      schema: { type: 'string', format: 'uuid' },
    }),
  );
