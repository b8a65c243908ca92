import { Module } from '@nestjs/common';
import { OffersController } from './list-offers/offers.controller';

/** The offer catalog (config/catalog.json) as partners read it. */
@Module({ controllers: [OffersController] })
export class CatalogModule {}
