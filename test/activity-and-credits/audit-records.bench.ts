/**
 * Measures the activity log's query on 1,000,000 audit records (not a jest suite: run it by hand).
 *   npx tsx test/activity-and-credits/audit-records.bench.ts [rows]
 * Creates a scratch database on the machine's PostgreSQL (TEST_DATABASE_URL), bulk-inserts the rows with
 * generate_series over 90 days, then times the API's queries (first page + count, a filtered page, a deep
 * keyset page) and prints EXPLAIN (ANALYZE, BUFFERS) of each. Two layouts: 50 partners, and one partner
 * owning every row (the worst case for a 30-day range).
 */
import { Pool } from 'pg';
import { auditRecordsProjection } from '../../apps/worker/src/projections';
import { AuditRecordsQuery } from '@csp/capabilities/activity';
import { createTestDatabase } from '../support/database';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const NOW = new Date('2024-06-30T12:00:00.000Z');
const DAY = 86_400_000;

async function main(): Promise<void> {
  process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  const db = await createTestDatabase('csp_bench_audit');
  const pool = new Pool({ connectionString: db.url, max: 4 });
  try {
    const client = await pool.connect();
    await auditRecordsProjection.migrate(client);
    client.release();
    for (const partners of [50, 1]) {
      await pool.query('TRUNCATE rm_audit_records, rm_audit_record_counts');
      let t = Date.now();
      // Row i: partner i % partners, one of 2,000 customers, spread evenly over the 90 days before NOW.
      await pool.query(
        `INSERT INTO rm_audit_records (id, partner_id, customer_id, customer_name, user_principal_name, operation_type,
           operation_date, operation_status, customized_data, position)
         SELECT md5(i::text), 'partner-' || (i % $2), 'customer-' || (i % 2000), 'Customer ' || (i % 2000),
                'user' || (i % 37) || '@partner.example',
                (ARRAY['get_software_key','get_software_download_link','download_software','create_order','update_order'])[1 + i % 5],
                $3::timestamptz - (i::double precision / $1 * 90) * interval '1 day', 'succeeded',
                jsonb_build_array(jsonb_build_object('key', 'OrderId', 'value', md5((i / 4)::text))), i
           FROM generate_series(1, $1) AS i`,
        [ROWS, partners, NOW.toISOString()],
      );
      // What the projection keeps alongside (only inserted rows are counted).
      await pool.query(`INSERT INTO rm_audit_record_counts (partner_id, day, operation_type, n)
        SELECT partner_id, (operation_date AT TIME ZONE 'UTC')::date, operation_type, count(*) FROM rm_audit_records GROUP BY 1, 2, 3`);
      await pool.query('VACUUM ANALYZE rm_audit_records');
      await pool.query('VACUUM ANALYZE rm_audit_record_counts');
      console.log(`\n== ${ROWS} rows, ${partners} partner(s): loaded in ${Date.now() - t} ms`);
      const query = new AuditRecordsQuery(pool);
      // The API's default: the 30 whole UTC days ending today.
      const today = Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), NOW.getUTCDate());
      const filter = { partnerId: 'partner-0', from: new Date(today - 29 * DAY), to: new Date(today + DAY) };
      const time = async (label: string, run: () => Promise<{ totalCount: number; items: unknown[] }>) => {
        await run(); // warm
        const samples: number[] = [];
        let last = { totalCount: 0, items: [] as unknown[] };
        for (let i = 0; i < 5; i++) {
          t = performance.now();
          last = await run();
          samples.push(performance.now() - t);
        }
        samples.sort((a, b) => a - b);
        console.log(
          `${label}: median ${samples[2].toFixed(1)} ms (min ${samples[0].toFixed(1)}, max ${samples[4].toFixed(1)}), totalCount ${last.totalCount}, items ${last.items.length}`,
        );
      };
      await time('30 days, first page of 100 + count', () => query.list(filter, { size: 100 }));
      await time('30 days, customer filter', () => query.list({ ...filter, customerId: 'customer-50' }, { size: 100 }));
      await time('30 days, operationType filter', () =>
        query.list({ ...filter, operationType: 'get_software_key' }, { size: 100 }),
      );
      let token: string | undefined;
      for (let i = 0; i < 50; i++)
        token = (await query.list(filter, { size: 100, continuationToken: token })).continuationToken ?? undefined;
      await time('30 days, page 51 by continuation token', () =>
        query.list(filter, { size: 100, continuationToken: token }),
      );
      for (const [label, sql] of [
        [
          'page',
          `SELECT id, partner_id, customer_id, customer_name, user_principal_name, operation_type, operation_date,
                  operation_status, customized_data, position
             FROM rm_audit_records WHERE partner_id = $1 AND operation_date >= $2 AND operation_date < $3
            ORDER BY operation_date DESC, position DESC LIMIT 101`,
        ],
        [
          'count',
          `SELECT sum(n) FROM rm_audit_record_counts
            WHERE partner_id = $1 AND day >= $2::timestamptz::date AND day < $3::timestamptz::date`,
        ],
      ]) {
        const plan = await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, [filter.partnerId, filter.from, filter.to]);
        console.log(`-- EXPLAIN ANALYZE ${label}:\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
      }
    }
  } finally {
    await pool.end();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
