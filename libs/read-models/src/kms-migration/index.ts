export * from './kms-device-groups.schema';
export * from './kms-device-groups.projection';
export * from './kms-device-groups.query';
