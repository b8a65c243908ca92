import { randomUUID } from 'node:crypto';

/** Windows Server 2022 Standard, perpetual (config/catalog.json): sold in PL, has keys and media. */
export const PERPETUAL_OFFER = 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW';

export async function call(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies of many shapes
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text,
    headers: res.headers,
  };
}

export async function registerCustomer(baseUrl: string, token: string): Promise<string> {
  const res = await call(baseUrl, token, 'POST', '/v1/customers', {
    companyName: 'Bench Co',
    domain: `bench-${randomUUID().slice(0, 12)}.example.com`,
    country: 'PL',
  });
  if (res.status !== 201) throw new Error(`register customer: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export const orderBody = { lineItems: [{ lineItemNumber: 0, offerId: PERPETUAL_OFFER, quantity: 1 }] };

export async function placeOrder(baseUrl: string, token: string, customerId: string): Promise<string> {
  const res = await call(baseUrl, token, 'POST', `/v1/customers/${customerId}/orders`, orderBody);
  if (res.status !== 201) throw new Error(`place order: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** Runs `fn` over `items` with `concurrency` workers. */
export async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i]!, i);
    }),
  );
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Reveals a software line's key `reveals` times, then gets a download link: the history every seeded set repeats. */
export async function revealAndLink(baseUrl: string, token: string, linePath: string, reveals: number): Promise<void> {
  for (let i = 0; i < reveals; i++) {
    const res = await call(baseUrl, token, 'POST', `${linePath}/key`, { version: '2022' });
    if (res.status !== 200) throw new Error(`reveal key: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const link = await call(baseUrl, token, 'POST', `${linePath}/downloadlinks`, {
    version: '2022',
    language: 'en-US',
    bitness: 'x64',
  });
  if (link.status !== 201) throw new Error(`download link: ${link.status} ${JSON.stringify(link.body)}`);
}
