// Key custody (issue 15): imported MAK keys, encrypted at rest, assigned once, revoked on cancel.
export * from './custody/key-envelope';
