import { Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { DATABASE_POOL } from '@csp/event-sourcing';
import { CancelOrderHandler } from './cancel-order/cancel-order.handler';
import { ReadOrdersService } from './get-order/read-orders.service';
import { OrderAccess } from './order-access';
import { OrdersController } from './orders.controller';
import { PlaceOrderHandler } from './place-order/place-order.handler';
import { OrderViewsQuery } from './projections/order-views.query';

/** Orders, HTTP side: place, cancel, read. Exports OrderAccess for the capabilities that serve an order's data. */
@Module({
  controllers: [OrdersController],
  providers: [
    OrderAccess,
    PlaceOrderHandler,
    CancelOrderHandler,
    ReadOrdersService,
    { provide: OrderViewsQuery, inject: [DATABASE_POOL], useFactory: (pool: Pool) => new OrderViewsQuery(pool) },
  ],
  exports: [OrderAccess],
})
export class OrdersModule {}
