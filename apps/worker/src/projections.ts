import { auditRecordsProjection } from '@csp/capabilities/activity';
import { creditLedgerProjection } from '@csp/capabilities/credits';
import { customersProjection } from '@csp/capabilities/customers';
import { kmsDeviceGroupsProjection } from '@csp/capabilities/kms-migration';
import { orderViewsProjection } from '@csp/capabilities/orders';
import { softwareListProjection } from '@csp/capabilities/software';
import type { Projection } from '@csp/event-sourcing';

/**
 * Every projection the worker runs (and the api migrates at start-up): which capabilities' rows this deployment
 * keeps is a hosting decision, so the list lives here rather than in a library.
 */
export const PROJECTIONS: readonly Projection[] = [
  customersProjection,
  orderViewsProjection,
  softwareListProjection,
  kmsDeviceGroupsProjection,
  auditRecordsProjection,
  creditLedgerProjection,
];

export const PROJECTION_NAMES = {
  customers: customersProjection.name,
  orderViews: orderViewsProjection.name,
  softwareList: softwareListProjection.name,
  auditRecords: auditRecordsProjection.name,
  creditLedger: creditLedgerProjection.name,
} as const;

export const findProjection = (name: string): Projection | undefined => PROJECTIONS.find((p) => p.name === name);

export { customersProjection, orderViewsProjection, softwareListProjection };
export { auditRecordsProjection, creditLedgerProjection };
