export { CustomersQuery } from './projections/customers.query';
export { CUSTOMERS_TABLE } from './projections/customers.schema';
export { CustomersModule } from './customers.module';
export { customersProjection } from './projections/customers.projection';
