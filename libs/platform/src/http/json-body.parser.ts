import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BodyTooDeepError, MalformedJsonError } from '../errors/error-mapping';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './json-depth';

/**
 * Fastify's JSON parser (prototype-poisoning checks included) for application/json and
 * application/*+json, failing with our MalformedJsonError: Nest would otherwise turn Fastify's error into
 * a plain 400 whose text quotes the body. A body nested deeper than MAX_JSON_DEPTH is refused first
 * (BodyTooDeepError): validation, hashing and logging all recurse over the parsed value.
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  const parser = (request: FastifyRequest, body: string, done: (err: Error | null, value?: unknown) => void): void => {
    if (jsonDepthExceeds(body, MAX_JSON_DEPTH)) return done(new BodyTooDeepError(MAX_JSON_DEPTH));
    parse(request, body, (err: Error | null, value?: unknown) =>
      err ? done(new MalformedJsonError()) : done(null, value),
    );
  };
  if (fastify.hasContentTypeParser('application/json')) fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, parser);
  fastify.addContentTypeParser(/^application\/[a-z0-9.+-]+\+json$/i, { parseAs: 'string' }, parser);
}
