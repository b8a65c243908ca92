// The order decider: each command to its decision (one file per capability), and the fold of its events.
import type { DomainContext } from '../shared/context';
import type { Decider } from '../shared/decider';
import type { OrderCommand } from './order.commands';
import type { OrderEvent } from './order.events';
import { evolveOrder, initialOrderState, type OrderState } from './order.state';
import { cancelOrder, markOverdue, markPropagated, warnWindowClosing } from './order-cancel.decide';
import { placeOrder } from './order-place.decide';
import { issueDownloadLink, recordDownload, revealKey } from './order-software.decide';

export {
  KMS_EXPLANATION,
  MAX_DOWNLOADS_PER_LINK,
  MAX_LINE_ITEMS,
  MAX_QUANTITY,
  orderMoney,
  orderPolicy,
} from './order-decide.shared';
export { assertDownloadAllowed } from './order-software.decide';
export { openCancellationWindows, WINDOW_WARNING_HOURS } from './order-cancel.decide';

// ---------------------------------------------------------------- decider

export const decideOrder = (command: OrderCommand, state: OrderState, context: DomainContext): OrderEvent[] => {
  switch (command.type) {
    case 'PlaceOrder':
      return placeOrder(command, state, context);
    case 'RevealKey':
      return revealKey(command, state, context);
    case 'IssueDownloadLink':
      return issueDownloadLink(command, state, context);
    case 'RecordDownload':
      return recordDownload(command, state, context);
    case 'CancelOrder':
      return cancelOrder(command, state, context);
    case 'MarkCancellationPropagated':
      return markPropagated(command, state, context);
    case 'MarkCancellationOverdue':
      return markOverdue(state, context);
    case 'WarnCancellationWindowClosing':
      return warnWindowClosing(command, state, context);
    default: {
      const never: never = command;
      throw new Error(`unknown order command ${JSON.stringify(never)}`);
    }
  }
};

export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState> = {
  decide: decideOrder,
  evolve: evolveOrder,
  initialState: initialOrderState,
};
