import { orderDecider } from '../orders/order.decide';
import { deciderOf } from './stream-deciders';
import { STREAM_TYPES, type StreamType } from './stream-registry';

describe('stream deciders', () => {
  it('given every registered stream type, then it has a decider', () => {
    for (const type of Object.keys(STREAM_TYPES) as StreamType[]) {
      const decider = deciderOf(type);
      expect(typeof decider.decide).toBe('function');
      expect(typeof decider.evolve).toBe('function');
      expect(decider.initialState()).toBeDefined();
    }
  });

  it('given the order stream type, then its decider is the order decider', () => {
    expect(deciderOf('order')).toBe(orderDecider);
  });
});
