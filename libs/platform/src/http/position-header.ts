import type { FastifyReply } from 'fastify';

/**
 * Read-your-writes: a command response says the global position it wrote; a query given
 * `minPosition` waits (bounded) until its projection has reached it.
 */
export const POSITION_HEADER = 'X-Event-Position';

export function setPositionHeader(reply: FastifyReply, position: number | undefined): void {
  if (position !== undefined) reply.header(POSITION_HEADER, String(position));
}
