export * from './clock.port';
export * from './product-key';
export * from './licensing.port';
export * from './download-link-signer.port';
export * from './artifact-store.port';
