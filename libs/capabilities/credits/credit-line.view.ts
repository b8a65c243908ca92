import { withObjectType, type CsvColumn } from '@csp/platform';
import type { CreditLine } from './projections/credit-ledger.query';

/** A credit line as a resource (Partner Center's `attributes.objectType`), wherever the API shows it. */
export const asCreditResource = withObjectType<CreditLine>('Credit');

/** The fields a credited line item has in every export. */
type CreditedLine = Pick<
  CreditLine,
  | 'customerId'
  | 'orderId'
  | 'lineItemNumber'
  | 'offerId'
  | 'friendlyName'
  | 'kind'
  | 'basis'
  | 'credit'
  | 'taxInclusive'
  | 'cancelledAt'
>;

/** The CSV columns of a credited line item's own fields, the same in GET /v1/credits and in a statement. */
export const creditedLineColumns = <T extends CreditedLine>(): CsvColumn<T>[] => [
  { header: 'customerId', value: (l) => l.customerId },
  { header: 'orderId', value: (l) => l.orderId },
  { header: 'lineItemNumber', value: (l) => l.lineItemNumber },
  { header: 'offerId', value: (l) => l.offerId },
  { header: 'friendlyName', value: (l) => l.friendlyName },
  { header: 'kind', value: (l) => l.kind },
  { header: 'basis', value: (l) => l.basis },
  { header: 'creditAmount', value: (l) => l.credit.amount },
  { header: 'currencyCode', value: (l) => l.credit.currencyCode },
  { header: 'taxInclusive', value: (l) => l.taxInclusive },
  { header: 'cancelledAt', value: (l) => l.cancelledAt },
];
