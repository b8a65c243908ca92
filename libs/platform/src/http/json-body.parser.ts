import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MalformedJsonError } from '../errors/error-mapping';

/**
 * Fastify's JSON parser (prototype-poisoning checks included) for application/json and
 * application/*+json, failing with our MalformedJsonError: Nest would otherwise turn Fastify's error into
 * a plain 400 whose text quotes the body.
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  const parser = (request: FastifyRequest, body: string, done: (err: Error | null, value?: unknown) => void): void => {
    parse(request, body, (err: Error | null, value?: unknown) =>
      err ? done(new MalformedJsonError()) : done(null, value),
    );
  };
  if (fastify.hasContentTypeParser('application/json')) fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, parser);
  fastify.addContentTypeParser(/^application\/[a-z0-9.+-]+\+json$/i, { parseAs: 'string' }, parser);
}
