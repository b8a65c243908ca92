import { Body, Controller, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { MAX_KEYS_PER_IMPORT } from '@csp/domain';
import { Permit } from '@csp/capabilities/partners';
import {
  ApiProblems,
  type Collection,
  CurrentPrincipal,
  Idempotent,
  type Principal,
  setPositionHeader,
} from '@csp/platform';
import { ImportKeysCommand } from './import-keys/import-keys.command';
import type { ImportKeysResult } from './import-keys/import-keys.handler';
import {
  KeyImportRequestDto,
  KeyImportResponseDto,
  KeyStockCollectionResponseDto,
  KeyStockResponseDto,
} from './key-pool.response.dto';
import { KeyStockService, type StockItem } from './stock/key-stock.service';
import { SetLowWatermarkRequestDto } from './stock/set-low-watermark.request.dto';

const CSV_EXAMPLE = 'offerId,version,productKey\nDG7GMGF0D7FV:0001:DG7GMGF0D7FW,2022,XXXXX-XXXXX-XXXXX-XXXXX-XXXXX\n';

/**
 * The partner's key pool: its AdminAgent imports MAK keys and tunes the low watermarks; its Auditor reads the
 * stock too. Everything is the caller's own tenant's pool.
 */
@ApiTags('key-pool')
@ApiBearerAuth()
@ApiExtraModels(KeyImportRequestDto)
@Controller('v1/keypool')
export class KeyPoolController {
  constructor(
    private readonly commands: CommandBus,
    private readonly stock: KeyStockService,
  ) {}

  @Post('imports')
  @Idempotent()
  @Permit('importKeys')
  @ApiOperation({
    summary: 'Import MAK keys into the pool: all or nothing',
    description:
      `JSON \`{ keys: [ { offerId, version, productKey } ] }\` or \`text/csv\` with the header \`offerId,version,productKey\`; ` +
      `at most ${MAX_KEYS_PER_IMPORT} keys. Every bad row is reported (row number, field, masked key ` +
      '`XXXXX-…-ABCDE`): unknown offer, a version the offer lacks, a malformed MAK, a duplicate within the file or ' +
      'of a key already in the pool (by SHA-256 fingerprint); one bad row imports nothing. Keys are encrypted at ' +
      'rest; the response and the KeysImported events carry counts and fingerprints only.',
  })
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(KeyImportRequestDto) },
        { type: 'string', description: 'text/csv with the header offerId,version,productKey' },
      ],
    },
    examples: {
      json: {
        summary: 'JSON: one key of Windows Server 2022 Standard (a placeholder; real keys come from the vendor)',
        value: {
          keys: [
            { offerId: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW', version: '2022', productKey: 'XXXXX-XXXXX-XXXXX-XXXXX-XXXXX' },
          ],
        },
      },
      csv: { summary: 'text/csv: the same key as a CSV file', value: CSV_EXAMPLE },
    },
  })
  @ApiCreatedResponse({ type: KeyImportResponseDto })
  @ApiProblems(
    400,
    401,
    403,
    { status: 409, description: 'no key-encryption key configured, or a concurrent import of the same keys' },
    413,
    422,
  )
  async import(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<KeyImportResponseDto> {
    const { importId, imported, byOffer, position }: ImportKeysResult = await this.commands.execute(
      new ImportKeysCommand(principal, body),
    );
    setPositionHeader(reply, position);
    return { importId, imported, byOffer };
  }

  @Get('stock')
  @Permit('readKeyStock')
  @ApiOperation({
    summary: 'Stock of the pool per offer and version: available, assigned, revoked, low watermark',
    description:
      'Counted from the vault itself. An offer and version with a watermark but no key yet is listed with zeros.',
  })
  @ApiOkResponse({ type: KeyStockCollectionResponseDto })
  @ApiProblems(401, 403)
  async list(@CurrentPrincipal() principal: Principal): Promise<Collection<StockItem>> {
    const items = await this.stock.stock(principal);
    return {
      totalCount: items.length,
      items,
      links: { self: { uri: '/v1/keypool/stock', method: 'GET' } },
      attributes: { objectType: 'Collection' },
    };
  }

  @Put('stock/:offerId/:version/lowwatermark')
  @HttpCode(200)
  @Idempotent()
  @Permit('tuneKeyStock')
  @ApiOperation({
    summary: 'Set the low watermark of an offer and version',
    description:
      'Below it, the pool of that offer and version is low: `low: true` and the metric csp_keypool_low{offer,version} = 1.',
  })
  @ApiParam({ name: 'offerId', example: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW' })
  @ApiParam({ name: 'version', example: '2022' })
  @ApiBody({
    type: SetLowWatermarkRequestDto,
    examples: { tune: { summary: 'Low below 25 available keys', value: { lowWatermark: 25 } } },
  })
  @ApiOkResponse({
    type: KeyStockResponseDto,
    description: 'The stock of that offer and version, with its new watermark',
  })
  @ApiProblems(400, 401, 403, { status: 404, description: 'not a software offer of the catalog' }, 422)
  async setLowWatermark(
    @CurrentPrincipal() principal: Principal,
    @Param('offerId') offerId: string,
    @Param('version') version: string,
    @Body() body: SetLowWatermarkRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StockItem> {
    const { item, position } = await this.stock.setLowWatermark(principal, offerId, version, body.lowWatermark);
    setPositionHeader(reply, position);
    return item;
  }
}
