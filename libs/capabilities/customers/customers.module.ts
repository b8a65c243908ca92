import { Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { DATABASE_POOL } from '@csp/event-sourcing';
import { CustomersController } from './customers.controller';
import { CustomersQuery } from './projections/customers.query';
import { RegisterCustomerHandler } from './register-customer/register-customer.handler';

/** Customers, HTTP side: register and list a partner's customers. */
@Module({
  controllers: [CustomersController],
  providers: [
    RegisterCustomerHandler,
    { provide: CustomersQuery, inject: [DATABASE_POOL], useFactory: (pool: Pool) => new CustomersQuery(pool) },
  ],
})
export class CustomersModule {}
