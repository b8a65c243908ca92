import type { FastifyInstance } from 'fastify';

/**
 * Lets Fastify accept `text/csv` bodies as plain strings (it knows JSON and text/plain only, and answers 415
 * otherwise). The body limit still applies; the CSV itself is parsed by the import's use case.
 */
export function registerCsvBodyParser(fastify: FastifyInstance): void {
  if (fastify.hasContentTypeParser('text/csv')) return;
  fastify.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));
}
