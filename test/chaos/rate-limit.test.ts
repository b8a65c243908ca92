import { startTestApp, TestApp } from '../support/app';
import { adminAgent, eventStoreOf, problemDefect, readAll } from './chaos-helpers';

/** RATE_LIMIT_PER_MINUTE per tenant: the 21st request of a tenant within the minute is refused, nobody else's. */
const LIMIT = 20;

describe('chaos: rate limiting per tenant', () => {
  let t: TestApp;
  afterAll(async () => {
    await t?.close();
  });

  it('answers the request over the limit with 429 problem+json and Retry-After, and leaves other tenants alone', async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
    const noisy = adminAgent();
    const quiet = adminAgent();
    const [noisyToken, quietToken] = await Promise.all([t.token(noisy), t.token(quiet)]);
    const list = (token: string) => t.request('GET', '/v1/customers', { token });

    // Sequential: the bucket refills at LIMIT/60 per second, so a quick burst sees exactly LIMIT tokens.
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) statuses.push((await list(noisyToken)).status);
    expect(statuses).toEqual(Array(LIMIT).fill(200));

    const refused = await list(noisyToken);
    expect(refused.status).toBe(429);
    expect(problemDefect(refused)).toBeUndefined();
    expect(refused.body.code).toBe('rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);

    // A command is refused too (the limit is per tenant, not per route), and changes nothing.
    const command = await t.request('POST', '/v1/customers', {
      token: noisyToken,
      body: { companyName: 'Limited', domain: 'limited.example.com', country: 'PL' },
    });
    expect(command.status).toBe(429);

    // Another tenant is unaffected, and so are the probes.
    expect((await list(quietToken)).status).toBe(200);
    expect((await t.request('GET', '/health/live')).status).toBe(200);

    // The refused command did not run.
    const events = await readAll(eventStoreOf(t));
    expect(events.filter((e) => JSON.stringify(e.data).includes('limited.example.com'))).toEqual([]);
  }, 60_000);
});
