import {
  documentProjection,
  type DocumentProjectionDefinition,
  type StoredDocument,
} from '@csp/event-sourcing/projections/document-projection';
import { eventsProjection } from '@csp/event-sourcing/projections/events-projection';
import { rowsProjection } from '@csp/event-sourcing/projections/rows-projection';
import { projectionSpec } from '@csp/event-sourcing/testing/projection-spec';
import type { DomainEvent } from '@csp/event-store';
import { columns } from '@csp/event-sourcing';
import type { PoolClient } from 'pg';
import { createTestDatabase } from '../support/database';

// A small typed union, and a document projection and a rows projection over it, as a read model would write them.
type Opened = DomainEvent<'Opened', { accountId: string; owner: string }>;
type Deposited = DomainEvent<'Deposited', { accountId: string; amount: number }>;
type Noted = DomainEvent<'Noted', { accountId: string; text: string }>;
type AccountEvent = Opened | Deposited;

type Account = { owner: string; balance: number; deposits: number };
const opened = (accountId: string, owner: string): Opened => ({ type: 'Opened', data: { accountId, owner } });
const deposited = (accountId: string, amount: number): Deposited => ({
  type: 'Deposited',
  data: { accountId, amount },
});
const noted = (accountId: string, text: string): Noted => ({ type: 'Noted', data: { accountId, text } });

const ACCOUNTS_DDL = `CREATE TABLE IF NOT EXISTS spec_accounts (
  id text PRIMARY KEY, owner text NOT NULL, balance bigint NOT NULL, deposits integer NOT NULL, position bigint NOT NULL)`;
const UPSERT = `INSERT INTO spec_accounts AS a (id, owner, balance, deposits, position)
  SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::integer[], $5::bigint[])
  ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner, balance = EXCLUDED.balance, deposits = EXCLUDED.deposits,
    position = EXCLUDED.position
  WHERE a.position < EXCLUDED.position`;
type AccountRow = { id: string; owner: string; balance: string; deposits: number; position: string };

const writeAccounts = async (client: PoolClient, docs: readonly StoredDocument<Account>[]): Promise<void> => {
  await client.query(
    UPSERT,
    columns(
      docs.map((d) => ({ id: d.key, ...d.document, position: d.position })),
      ['id', 'owner', 'balance', 'deposits', 'position'],
    ),
  );
};

const accountsDefinition: DocumentProjectionDefinition<AccountEvent, Account> = {
  name: 'spec-accounts',
  version: 1,
  eventTypes: { Opened: true, Deposited: true },
  migrate: async (client) => void (await client.query(ACCOUNTS_DDL)),
  key: (event) => event.data.accountId,
  evolve(account, event) {
    switch (event.type) {
      case 'Opened':
        return account ?? { owner: event.data.owner, balance: 0, deposits: 0 };
      case 'Deposited':
        if (event.data.amount < 0) throw new Error(`negative deposit into ${event.data.accountId}`);
        return account && { ...account, balance: account.balance + event.data.amount, deposits: account.deposits + 1 };
    }
  },
  async load(client, keys) {
    const result = await client.query<AccountRow>('SELECT * FROM spec_accounts WHERE id = ANY($1::text[])', [keys]);
    return result.rows.map((r) => ({
      key: r.id,
      document: { owner: r.owner, balance: Number(r.balance), deposits: r.deposits },
      position: Number(r.position),
    }));
  },
  write: writeAccounts,
};
const accounts = documentProjection(accountsDefinition);

const NOTES_DDL = `CREATE TABLE IF NOT EXISTS spec_notes (id text PRIMARY KEY, account_id text NOT NULL, text text NOT NULL)`;
const notes = rowsProjection<Noted | Opened, { id: string; accountId: string; text: string }>({
  name: 'spec-notes',
  version: 1,
  eventTypes: { Noted: true, Opened: true },
  migrate: async (client) => void (await client.query(NOTES_DDL)),
  rows: (event) =>
    event.type === 'Noted'
      ? [{ id: event.eventId, accountId: event.data.accountId, text: event.data.text }]
      : [{ id: event.eventId, accountId: event.data.accountId, text: `opened for ${event.data.owner}` }],
  write: async (client, rows) =>
    void (await client.query(
      `INSERT INTO spec_notes SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (id) DO NOTHING`,
      columns(rows, ['id', 'accountId', 'text']),
    )),
});

describe('documentProjection, checked by projectionSpec', () => {
  const spec = projectionSpec(accounts, { database: () => createTestDatabase('csp_es_docs') });

  it('folds each key’s events into its document, one row per key, at the position of its last change', () =>
    spec
      .given([
        opened('a', 'Ann'),
        opened('b', 'Bob'),
        deposited('a', 5),
        { type: 'Ignored', data: {} },
        deposited('a', 7),
      ])
      .then({
        spec_accounts: [
          { id: 'a', owner: 'Ann', balance: 12, deposits: 2, position: 5 },
          { id: 'b', owner: 'Bob', balance: 0, deposits: 0, position: 2 },
        ],
      }));

  it('an event that changes nothing writes nothing (a second opening keeps the first, a deposit needs an account)', () =>
    spec
      .given([opened('a', 'Ann'), deposited('z', 1)])
      .when([opened('a', 'Someone else'), deposited('a', 3)])
      .then({ spec_accounts: [{ id: 'a', owner: 'Ann', balance: 3, deposits: 1, position: 4 }] }));

  it('thenMatches queries the rows after every delivery', () =>
    spec
      .given([opened('a', 'Ann'), deposited('a', 2)])
      .when([deposited('a', 3)])
      .thenMatches(async (pool) => {
        const r = await pool.query('SELECT balance::int AS balance FROM spec_accounts');
        expect(r.rows).toEqual([{ balance: 5 }]);
      }));

  it('a failing batch rolls back whole: thenThrows', () =>
    spec
      .given([opened('a', 'Ann')])
      .when([deposited('a', 4), deposited('a', -1)])
      .thenThrows(/negative deposit into a/));
});

describe('projectionSpec fails a projection whose rows depend on how its events are batched', () => {
  // Forgets to load the stored documents: right in one batch, wrong when a deposit arrives in a later batch.
  const { load: _ignored, ...withoutLoad } = accountsDefinition;
  const forgetful = documentProjection<AccountEvent, Account>({ ...withoutLoad, name: 'spec-forgetful' });
  const spec = projectionSpec(forgetful, { database: () => createTestDatabase('csp_es_forgetful') });

  it('names the delivery that went wrong', async () => {
    await expect(
      spec.given([opened('a', 'Ann'), deposited('a', 1)]).then({
        spec_accounts: [{ id: 'a', owner: 'Ann', balance: 1, deposits: 1, position: 2 }],
      }),
    ).rejects.toThrow(/spec-forgetful, events delivered one by one/);
  });

  it('holds every delivery to the rows of the first, also where the test asserts nothing of them', async () => {
    await expect(spec.given([opened('a', 'Ann'), deposited('a', 1)]).thenMatches(() => undefined)).rejects.toThrow(
      /spec-forgetful, events delivered one by one/,
    );
  });
});

describe('rowsProjection, checked by projectionSpec', () => {
  const spec = projectionSpec(notes, { database: () => createTestDatabase('csp_es_rows') });

  it('adds the rows of each event of its union, once however often the events arrive', () => {
    const events = [opened('a', 'Ann'), deposited('a', 1), noted('a', 'hello')];
    const ids = events.map((_, i) => `e${i + 1}`);
    return spec
      .given(events.map((e, i) => ({ ...recordedAt(i + 1), eventId: ids[i], type: e.type, data: e.data })))
      .then({
        spec_notes: [
          { id: 'e1', account_id: 'a', text: 'opened for Ann' },
          { id: 'e3', account_id: 'a', text: 'hello' },
        ],
      });
  });
});

const recordedAt = (position: number) => ({
  streamId: 'account-a',
  streamPosition: position,
  globalPosition: position,
  metadata: {},
  recordedAt: new Date(0),
});

describe('eventsProjection, checked by projectionSpec', () => {
  // Each deposit is logged with the owner the accounts table has for it: rows that depend on other rows.
  const ledger = eventsProjection<AccountEvent>({
    name: 'spec-ledger',
    version: 1,
    eventTypes: { Opened: true, Deposited: true },
    migrate: async (client) => {
      await client.query('CREATE TABLE IF NOT EXISTS spec_owners (account_id text PRIMARY KEY, owner text NOT NULL)');
      await client.query('CREATE TABLE IF NOT EXISTS spec_ledger (position bigint PRIMARY KEY, line text NOT NULL)');
    },
    async apply(client, events) {
      for (const event of events) {
        if (event.type === 'Opened') {
          await client.query('INSERT INTO spec_owners VALUES ($1, $2) ON CONFLICT DO NOTHING', [
            event.data.accountId,
            event.data.owner,
          ]);
        } else {
          await client.query(
            `INSERT INTO spec_ledger SELECT $1, o.owner || ' +' || $3 FROM spec_owners o WHERE o.account_id = $2
             ON CONFLICT DO NOTHING`,
            [event.globalPosition, event.data.accountId, event.data.amount],
          );
        }
      }
    },
  });
  const spec = projectionSpec(ledger, { database: () => createTestDatabase('csp_es_events') });

  it('gets its batches narrowed to its union, and is held to every delivery like the others', () =>
    spec
      .given([opened('a', 'Ann'), noted('a', 'not of this union'), deposited('a', 2)])
      .when([deposited('a', 3)])
      .then({
        spec_ledger: [
          { position: 3, line: 'Ann +2' },
          { position: 4, line: 'Ann +3' },
        ],
      }));
});
