export * from './system.clock';
export * from './controllable.clock';
export * from './derived-mak-licensing.adapter';
export * from './hmac-download-link.signer';
export * from './hashing.stream';
export * from './artifact-path';
export * from './local-artifact.store';
export * from './cdn-artifact.store';
