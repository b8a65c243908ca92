export { OrderAccess, orderNotFound, orderStreamId, type AccessibleOrder } from './order-access';
export { OrderViewsQuery } from './projections/order-views.query';
export { ORDER_VIEWS_TABLE } from './projections/order-views.schema';
export { OrdersModule } from './orders.module';
export { orderViewsProjection } from './projections/order-views.projection';
