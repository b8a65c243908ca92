import { customersProjection } from './customers/customers.projection';
import { orderViewsProjection } from './orders/order-views.projection';
import type { Projection } from './projection';
import { softwareListProjection } from './software/software-list.projection';

/** Every projection the worker runs, by name. */
export const PROJECTIONS: readonly Projection[] = [customersProjection, orderViewsProjection, softwareListProjection];

export const PROJECTION_NAMES = {
  customers: customersProjection.name,
  orderViews: orderViewsProjection.name,
  softwareList: softwareListProjection.name,
} as const;

export const findProjection = (name: string): Projection | undefined => PROJECTIONS.find((p) => p.name === name);

export { customersProjection, orderViewsProjection, softwareListProjection };
