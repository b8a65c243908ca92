import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { currentPolicy, DomainData, listOffersForCountry, MarketOffer } from '@csp/domain';
import { ApiProblems, Collection, toCollection, withObjectType } from '@csp/platform';
import { DOMAIN_DATA } from '@csp/event-sourcing';
import { OfferCollectionDto } from './offer.response.dto';
import { Permit } from '@csp/capabilities/partners';

type OfferView = Omit<MarketOffer, 'unitPriceMinor' | 'media'>;

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('v1/offers')
export class OffersController {
  constructor(@Inject(DOMAIN_DATA) private readonly data: DomainData) {}

  /** Any authenticated caller may read the catalog; prices are list prices of the market. */
  @Get()
  @Permit('readCatalog')
  @ApiOperation({ summary: 'The catalog for a market: prices in its currency, availability, cancellability' })
  @ApiQuery({ name: 'country', required: true, example: 'PL', description: 'ISO 3166-1 alpha-2' })
  @ApiOkResponse({ type: OfferCollectionDto })
  @ApiProblems({ status: 400, description: 'a missing or unknown country' }, 401, 422)
  list(@Query('country') country?: string): Collection<OfferView> {
    const offers = listOffersForCountry(
      this.data.catalog,
      this.data.markets,
      currentPolicy(this.data.policies),
      country,
    );
    const items = offers.map(({ unitPriceMinor: _p, media: _m, ...rest }) =>
      withObjectType<typeof rest>('Offer')(rest),
    );
    return toCollection(
      `/v1/offers?country=${encodeURIComponent(String(country ?? ''))}`,
      { items, totalCount: items.length, continuationToken: null },
      items.length,
    );
  }
}
