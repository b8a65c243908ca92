import { curve, DEFAULT_SCALE_STEPS, parseScaleSteps } from './scale-steps';

describe('parseScaleSteps', () => {
  it('given the default, when parsed, then it grows through 10 thousand, 1 million and 10 million events', () => {
    expect(parseScaleSteps(DEFAULT_SCALE_STEPS)).toEqual([
      { label: '10k', events: 10_000 },
      { label: '1m', events: 1_000_000 },
      { label: '10m', events: 10_000_000 },
    ]);
  });

  it('given sizes in any case with spaces, when parsed, then labels are lower case and plain numbers count events', () => {
    expect(parseScaleSteps(' 500, 10K ,2M')).toEqual([
      { label: '500', events: 500 },
      { label: '10k', events: 10_000 },
      { label: '2m', events: 2_000_000 },
    ]);
  });

  it.each([
    ['', /names no step/],
    ['10x', /"10x" is not a size/],
    ['1.5m', /"1.5m" is not a size/],
    ['0k', /"0k" is empty/],
    ['1m,10k', /only grows, "10k" follows "1m"/],
    ['1m,1m', /only grows/],
  ])('given %p, when parsed, then it is refused', (text, why) => {
    expect(() => parseScaleSteps(text)).toThrow(why);
  });
});

describe('curve', () => {
  it('given figures per step, when drawn, then each later step is a ratio of the first', () => {
    expect(
      curve([
        { label: '10k', value: 200 },
        { label: '1m', value: 190 },
        { label: '10m', value: 250 },
      ]),
    ).toBe('1m 0.95, 10m 1.25');
  });

  it('given a missing later figure, when drawn, then it shows a dash', () => {
    expect(
      curve([
        { label: '10k', value: 4 },
        { label: '1m', value: undefined },
      ]),
    ).toBe('1m —');
  });

  it('given no usable first figure or a single step, when drawn, then it says so', () => {
    expect(
      curve([
        { label: '10k', value: 0 },
        { label: '1m', value: 3 },
      ]),
    ).toBe('no base figure');
    expect(curve([{ label: '10k', value: 3 }])).toBe('one step only');
  });
});
