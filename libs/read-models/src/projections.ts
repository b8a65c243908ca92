import type { Pool } from 'pg';
import { auditRecordsProjection } from './audit-records/audit-records.projection';
import { creditsProjection } from './credits/credits.projection';
import { customersProjection } from './customers/customers.projection';
import { kmsDeviceGroupsProjection } from './kms-migration/kms-device-groups.projection';
import { orderViewsProjection } from './orders/order-views.projection';
import type { Projection } from './projection';
import { migrateProjections } from './runner/checkpoint.schema';
import { softwareListProjection } from './software/software-list.projection';

/** Every projection the worker runs, by name. */
export const PROJECTIONS: readonly Projection[] = [
  customersProjection,
  orderViewsProjection,
  softwareListProjection,
  kmsDeviceGroupsProjection,
  auditRecordsProjection,
  creditsProjection,
];

export const PROJECTION_NAMES = {
  customers: customersProjection.name,
  orderViews: orderViewsProjection.name,
  softwareList: softwareListProjection.name,
  auditRecords: auditRecordsProjection.name,
  credits: creditsProjection.name,
} as const;

export const findProjection = (name: string): Projection | undefined => PROJECTIONS.find((p) => p.name === name);

export { customersProjection, orderViewsProjection, softwareListProjection };
export { auditRecordsProjection, creditsProjection };

/** Creates the checkpoint table and every read model's tables (the API calls it at start-up; idempotent). */
export async function migrateReadModels(pool: Pool, projections: readonly Projection[] = PROJECTIONS): Promise<void> {
  const client = await pool.connect();
  try {
    await migrateProjections(client, projections);
  } finally {
    client.release();
  }
}
