import { METRIC_NAMES } from '@csp/capabilities/propagation';
import { startTestApp, type TestApp } from '../support/app';
import {
  adminAgent,
  cancelBody,
  eventStore,
  OFFERS,
  orderPath,
  placeOrderOk,
  registerCustomer,
} from '../e2e/e2e-helpers';
import { eventually, propagated } from './support/propagation-harness';

// The whole service as `npm start` runs it (api + worker in one process) on Redis: the HTTP cancellation
// is propagated by the worker, and the operations endpoints report it.
describe('propagation through the HTTP API', () => {
  let t: TestApp;
  const agent = adminAgent();

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a PATCH cancellation is propagated, and shows as propagated on the order', async () => {
    const customer = await registerCustomer(t, agent, 'DE');
    const order = await placeOrderOk(t, agent, customer.id, [{ offerId: OFFERS.perpetual }]);
    const res = await t.request('PATCH', orderPath(customer.id, order.id), { as: agent, body: cancelBody() });
    expect(res.status).toBe(200);
    const event = await propagated(eventStore(t), order.id);
    expect(event.data).toMatchObject({ orderId: order.id, withinDeadline: true });
    // The order's read side follows the event.
    await eventually(async () => {
      const view = await t.request('GET', orderPath(customer.id, order.id), { as: agent });
      return view.body?.cancellations?.[0]?.status === 'propagated';
    });
  });

  it('GET /metrics exposes propagation latency, failures, overdue and queue depth', async () => {
    const res = await t.request('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    for (const name of [METRIC_NAMES.latency, METRIC_NAMES.overdue, METRIC_NAMES.pending, METRIC_NAMES.queueJobs]) {
      expect(res.text).toContain(`# TYPE ${name}`);
    }
    expect(res.text).toContain(`# HELP ${METRIC_NAMES.failures}`);
    expect(res.text).toMatch(new RegExp(`${METRIC_NAMES.latency}_count\\{within_deadline="true"\\} [1-9]`));
    expect(res.text).toMatch(new RegExp(`${METRIC_NAMES.overdue} 0`));
    expect(res.text).toMatch(/csp_propagation_queue_jobs\{queue="cancellation-propagation",state="completed"\} [1-9]/);
  });

  it('/health/ready reports propagation next to the other checks', async () => {
    const res = await t.request('GET', '/health/ready');
    expect(res.status).toBe(200);
    expect(res.body.details).toMatchObject({
      database: { status: 'up' },
      eventStore: { status: 'up' },
      queue: { status: 'up', kind: 'redis' },
      propagation: { status: 'up', overdue: 0, pending: 0 },
    });
  });

  it('without OPERATOR_TOKEN the queue dashboard is not mounted, and no AdminAgent token opens it', async () => {
    // The operator credential itself: test/platform/operator-surface.test.ts.
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      expect((await t.request('GET', path)).status).toBe(404);
      expect((await t.request('GET', path, { as: agent })).status).toBe(404);
    }
  });
});
