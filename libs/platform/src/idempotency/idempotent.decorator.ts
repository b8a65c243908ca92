import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';

export const IDEMPOTENT_KEY = 'csp:idempotent';

export interface IdempotentOptions {
  /**
   * false: a retry is not answered from the store but runs the handler again, told it is a retry
   * (`requestContext.retry`); for commands whose every execution must be decided and recorded (key reveals).
   * The id still names one route and body: another use of it is 422 `request_id_reused`. Default true.
   */
  replay?: boolean;
}

/**
 * Mark a command endpoint (POST/PATCH): a retry with the same MS-RequestId by the same caller gets
 * the first response again (header `x-idempotent-replay: true`) and the handler does not run twice.
 * Needs IdempotencyModule in the app.
 */
export const Idempotent = (options: IdempotentOptions = {}): MethodDecorator =>
  applyDecorators(
    SetMetadata(IDEMPOTENT_KEY, { replay: options.replay ?? true } satisfies IdempotentOptions),
    ApiHeader({
      name: 'MS-RequestId',
      required: false,
      description:
        options.replay === false
          ? 'GUID. A retry with the same value, route and body runs again and is recorded as a retry; the same value with another route or body is 422 request_id_reused.'
          : 'GUID. A retry with the same value, route and body returns the first response and has no second effect; the same value with another route or body is 422 request_id_reused.',
      schema: { type: 'string', format: 'uuid' },
    }),
  );
