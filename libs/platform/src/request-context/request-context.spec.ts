import Fastify from 'fastify';
import { getRequestContext, runWithRequestContext } from './request-context';
import { registerRequestContextHooks } from './request-context.hooks';

const GUID = /^[0-9a-f-]{36}$/;

describe('request context', () => {
  it('is undefined outside a request and set inside runWithRequestContext, across awaits', async () => {
    expect(getRequestContext()).toBeUndefined();
    await runWithRequestContext({ correlationId: 'c', requestId: 'r', requestIdProvided: false }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      expect(getRequestContext()?.correlationId).toBe('c');
    });
  });

  describe('Fastify hooks', () => {
    const app = Fastify();
    registerRequestContextHooks(app);
    app.post('/echo', async (request) => {
      await new Promise((r) => setTimeout(r, 5));
      return {
        ctx: getRequestContext(),
        sameObject: getRequestContext() === request.requestContext,
        body: request.body,
      };
    });
    app.setErrorHandler((err: Error & { statusCode?: number; status?: number }, _req, reply) => {
      void reply.status(err.statusCode ?? err.status ?? 500).send({ message: err.message });
    });
    afterAll(() => app.close());

    it('keeps the context through body parsing into the handler and echoes the ids', async () => {
      const correlationId = '11111111-2222-4333-8444-555555555555';
      const requestId = 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE';
      const res = await app.inject({
        method: 'POST',
        url: '/echo',
        headers: { 'ms-correlationid': correlationId, 'ms-requestid': requestId },
        payload: { a: 1 },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        ctx: { correlationId, requestId, requestIdProvided: true },
        sameObject: true,
        body: { a: 1 },
      });
      expect(res.headers['ms-correlationid']).toBe(correlationId);
      expect(res.headers['ms-requestid']).toBe(requestId);
    });

    it('generates ids when absent and refuses a non-GUID header, still echoing ids', async () => {
      const res = await app.inject({ method: 'POST', url: '/echo', payload: {} });
      expect(res.json().ctx).toMatchObject({ correlationId: expect.stringMatching(GUID), requestIdProvided: false });
      const bad = await app.inject({ method: 'POST', url: '/echo', headers: { 'ms-requestid': 'abc' }, payload: {} });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toContain('MS-RequestId');
      expect(bad.headers['ms-requestid']).toMatch(GUID);
      expect(bad.headers['ms-correlationid']).toMatch(GUID);
    });
  });
});
