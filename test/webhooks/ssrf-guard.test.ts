import { checkWebhookTarget } from '../../libs/capabilities/webhooks/delivery/ssrf-guard';
import { sendWebhook } from '../../libs/capabilities/webhooks/delivery/webhook-sender';
import { WebhookReceiver } from './webhook-receiver';

/**
 * The SSRF guard on real sockets: a URL resolving to loopback is refused at registration (400 naming url), and a
 * delivery's connection to it is refused before any byte is sent, unless private networks are allowed (tests).
 */
describe('SSRF guard', () => {
  const receiver = new WebhookReceiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  it.each([
    'http://127.0.0.1:8080/x',
    'http://localhost/x',
    'http://[::1]/x',
    'http://169.254.169.254/latest/meta-data',
  ])('refuses %s at registration with a 400 naming url', async (url) => {
    await expect(checkWebhookTarget(url, false)).rejects.toMatchObject({
      kind: 'validation',
      field: 'url',
      code: 'url_not_public',
    });
  });

  it('accepts a public address, and anything when private networks are allowed', async () => {
    await expect(checkWebhookTarget('https://93.184.216.34/hooks', false)).resolves.toBeUndefined();
    await expect(checkWebhookTarget('http://127.0.0.1:8080/x', true)).resolves.toBeUndefined();
  });

  it('refuses the connection of a delivery to a loopback receiver: nothing reaches it', async () => {
    const blocked = await sendWebhook({
      url: receiver.url,
      body: '{}',
      headers: {},
      timeoutMs: 2000,
      allowPrivate: false,
    });
    expect(blocked).toMatchObject({ statusCode: null, error: expect.stringMatching(/SSRF guard/) });
    const localhost = await sendWebhook({
      url: receiver.url.replace('127.0.0.1', 'localhost'),
      body: '{}',
      headers: {},
      timeoutMs: 2000,
      allowPrivate: false,
    });
    expect(localhost.statusCode).toBeNull();
    expect(receiver.received).toHaveLength(0);
    const allowed = await sendWebhook({
      url: receiver.url,
      body: '{}',
      headers: {},
      timeoutMs: 2000,
      allowPrivate: true,
    });
    expect(allowed.statusCode).toBe(200);
    expect(receiver.received).toHaveLength(1);
  });

  it('follows no redirect: a 302 is the attempt’s answer', async () => {
    receiver.answer = () => ({ status: 302, headers: { location: 'http://169.254.169.254/' } });
    const r = await sendWebhook({ url: receiver.url, body: '{}', headers: {}, timeoutMs: 2000, allowPrivate: true });
    expect(r.statusCode).toBe(302);
    expect(receiver.received).toHaveLength(2);
  });
});
