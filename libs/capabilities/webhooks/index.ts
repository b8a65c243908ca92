/** @csp/capabilities/webhooks: signed webhooks of finance events (Standard Webhooks), endpoints and deliveries. */
export * from './webhooks.module';
export * from './webhooks.worker.module';
export * from './webhooks-core.module';
export * from './dispatch/webhook-dispatcher.projection';
export * from './delivery/webhook-delivery.runtime';
export * from './webhook.metrics';
