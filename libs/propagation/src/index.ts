export * from './queue/queue-backend';
