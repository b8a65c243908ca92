export { EventHistoryModule } from './event-history.module';
