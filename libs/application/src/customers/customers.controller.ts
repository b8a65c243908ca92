import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblemResponses, CurrentPrincipal, Idempotent, Principal } from '@csp/platform';
import { Permit } from '../shared/access.guard';
import { CustomersQuery, PROJECTION_NAMES } from '@csp/read-models';
import { Collection, toCollection } from '../shared/collection';
import { ACCESS, CustomerAccess } from '../shared/customer-access';
import { setPositionHeader } from '../shared/position-header';
import { ReadYourWrites } from '../shared/read-your-writes';
import { CustomerView, toCustomerView } from './customer.view';
import { RegisterCustomerCommand } from './register-customer/register-customer.command';
import { RegisterCustomerResult } from './register-customer/register-customer.handler';
import { RegisterCustomerRequestDto } from './register-customer/register-customer.request.dto';

@ApiTags('customers')
@ApiBearerAuth()
@Controller('v1/customers')
export class CustomersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly access: CustomerAccess,
    private readonly customers: CustomersQuery,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Post()
  @Idempotent()
  @Permit('registerCustomer')
  @ApiOperation({ summary: 'Register a customer under the calling partner' })
  @ApiCreatedResponse({ description: 'The customer; its id is the customer’s tenant GUID' })
  @ApiProblemResponses(400, 401, 403, 409, 422)
  async register(
    @CurrentPrincipal() principal: Principal,
    @Body() body: RegisterCustomerRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CustomerView> {
    const result: RegisterCustomerResult = await this.commands.execute(
      new RegisterCustomerCommand(principal, body.companyName, body.domain, body.country, body.tenantId),
    );
    setPositionHeader(reply, result.position);
    const view = toCustomerView(result.customer);
    reply.header('Location', view.links.self.uri);
    return view;
  }

  @Get()
  @Permit('listCustomers')
  @ApiOperation({ summary: 'The calling partner’s customers' })
  @ApiProblemResponses(400, 401, 403)
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('size') size?: string,
    @Query('continuationToken') continuationToken?: string,
    @Query('minPosition') minPosition?: string,
  ): Promise<Collection<unknown>> {
    const { page, size: n } = await this.readYourWrites.page(
      PROJECTION_NAMES.customers,
      { size, continuationToken, minPosition },
      (p) => this.customers.list(principal.tenantId.toLowerCase(), p),
    );
    return toCollection('/v1/customers', page, n);
  }

  @Get(':customerId')
  @Permit(ACCESS.readCustomer)
  @ApiOperation({ summary: 'One customer (the partner’s, or a customer admin’s own)' })
  @ApiProblemResponses(401, 403, 404)
  async get(@CurrentPrincipal() principal: Principal, @Param('customerId') customerId: string): Promise<CustomerView> {
    const { customer } = await this.access.authorize(principal, customerId, ACCESS.readCustomer);
    return toCustomerView(customer);
  }
}
