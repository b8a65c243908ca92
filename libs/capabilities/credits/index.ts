export { CreditsQuery } from './projections/credits.query';
export { CreditsModule } from './credits.module';
export { creditsProjection } from './projections/credits.projection';
