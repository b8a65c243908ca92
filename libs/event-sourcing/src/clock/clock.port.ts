/** The application's only source of "now", so rules counted in days (30-day window, link expiry) are testable. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('CLOCK');
