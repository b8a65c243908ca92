import 'reflect-metadata';

import { documentPartnerCenterOrderFields } from './order-partner-center.response.dto';

describe('documentPartnerCenterOrderFields', () => {
  it('declares Partner Center’s fields on the order and line item DTOs it is given', () => {
    class Order {}
    class Line {}
    documentPartnerCenterOrderFields(Order, Line);
    const names = (c: object) => Reflect.getMetadata('swagger/apiModelPropertiesArray', c) as string[];
    expect(names(Order.prototype)).toEqual(
      expect.arrayContaining([
        ':alternateId',
        ':referenceCustomerId',
        ':billingCycle',
        ':currencySymbol',
        ':transactionType',
        ':links',
        ':attributes',
      ]),
    );
    expect(names(Line.prototype)).toEqual(
      expect.arrayContaining([':links', ':attributes', ':partnerIdOnRecord', ':provisioningContext']),
    );
  });
});
