import { orderDecider } from '../orders/order.decide';
import { deciderOf, STREAM_DECIDERS } from './stream-deciders';
import { STREAM_TYPES, type StreamType } from './stream-registry';

describe('stream deciders', () => {
  it('given every registered stream type, then it has a decider', () => {
    for (const type of Object.keys(STREAM_TYPES) as StreamType[]) {
      const decider = deciderOf(type);
      expect(typeof decider.decide).toBe('function');
      expect(typeof decider.evolve).toBe('function');
      expect(decider.initialState()).toBeDefined();
    }
    expect(Object.keys(STREAM_DECIDERS).sort()).toEqual(Object.keys(STREAM_TYPES).sort());
  });

  it('given the order stream type, then its decider is the order decider', () => {
    expect(deciderOf('order')).toBe(orderDecider);
  });
});
