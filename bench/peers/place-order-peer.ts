/**
 * The least work an honest place-order can do here (issue 18's peer): Fastify with a JSON schema for the body,
 * an HS256 bearer check with jose, the offer priced from memory, and one PostgreSQL transaction that writes the
 * event and the idempotency row. No framework, no projections, no queue: the limit ours is compared against.
 * Started as a child process by bench/workloads/peers.bench.ts: PEER_DATABASE_URL, PEER_SECRET, PORT.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { jwtVerify } from 'jose';
import { Pool } from 'pg';

const PRICES: Record<string, { unitPriceMinor: number; currencyCode: string; friendlyName: string }> = {
  'DG7GMGF0D7FV:0001:DG7GMGF0D7FW': {
    unitPriceMinor: 97_200,
    currencyCode: 'PLN',
    friendlyName: 'Windows Server 2022 Standard',
  },
};

const DDL = `
CREATE TABLE IF NOT EXISTS peer_events (
  global_position bigserial PRIMARY KEY,
  stream_id text NOT NULL,
  stream_position bigint NOT NULL,
  event_id uuid NOT NULL UNIQUE,
  type text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, stream_position)
);
CREATE TABLE IF NOT EXISTS peer_idempotency (
  tenant_id text NOT NULL,
  request_id text NOT NULL,
  status integer NOT NULL,
  body jsonb NOT NULL,
  PRIMARY KEY (tenant_id, request_id)
);`;

const bodySchema = {
  type: 'object',
  required: ['lineItems'],
  additionalProperties: false,
  properties: {
    lineItems: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        required: ['lineItemNumber', 'offerId', 'quantity'],
        additionalProperties: false,
        properties: {
          lineItemNumber: { type: 'integer', minimum: 0 },
          offerId: { type: 'string', maxLength: 200 },
          quantity: { type: 'integer', minimum: 1, maximum: 10_000 },
        },
      },
    },
  },
} as const;

type OrderBody = { lineItems: { lineItemNumber: number; offerId: string; quantity: number }[] };

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.PEER_DATABASE_URL, max: 20 });
  await pool.query(DDL);
  const secret = new TextEncoder().encode(process.env.PEER_SECRET);
  const app = Fastify({ logger: false });
  app.post<{ Params: { customerId: string }; Body: OrderBody }>(
    '/v1/customers/:customerId/orders',
    { schema: { body: bodySchema } },
    async (request, reply) => {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (!token) return reply.code(401).send({ title: 'Unauthorized' });
      let tenant: string;
      try {
        const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });
        tenant = String(payload.tid);
      } catch {
        return reply.code(401).send({ title: 'Unauthorized' });
      }
      const lineItems = request.body.lineItems.map((li) => {
        const price = PRICES[li.offerId];
        if (!price) throw Object.assign(new Error(`unknown offer ${li.offerId}`), { statusCode: 400 });
        return { ...li, ...price, totalMinor: price.unitPriceMinor * li.quantity };
      });
      const orderId = randomUUID();
      const requestId = String(request.headers['ms-requestid'] ?? randomUUID());
      const order = {
        id: orderId,
        customerId: request.params.customerId,
        status: 'completed',
        creationDate: new Date().toISOString(),
        lineItems,
      };
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO peer_events (stream_id, stream_position, event_id, type, data, metadata)
           VALUES ($1, 1, $2, 'OrderPlaced', $3, $4)`,
          [`order-${orderId}`, randomUUID(), order, { tenantId: tenant, requestId }],
        );
        await client.query(
          'INSERT INTO peer_idempotency (tenant_id, request_id, status, body) VALUES ($1, $2, 201, $3)',
          [tenant, requestId, order],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
      return reply.code(201).send(order);
    },
  );
  await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
  process.send?.('ready');
  const stop = () => void app.close().then(() => pool.end().then(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
