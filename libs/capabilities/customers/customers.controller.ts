import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  ApiProblems,
  CurrentPrincipal,
  Idempotent,
  Principal,
  Collection,
  toCollection,
  setPositionHeader,
  ApiPagingQueries,
  PagingQueries,
  type PagingQuery,
} from '@csp/platform';
import { Permit, ACCESS, CustomerAccess } from '@csp/capabilities/partners';
import { CustomersQuery } from './projections/customers.query';
import { customersProjection } from './projections/customers.projection';
import { ReadYourWrites } from '@csp/event-sourcing';
import { CustomerCollectionDto, CustomerResponseDto } from './customer.response.dto';
import { CUSTOMER_ATTRIBUTES, customerLinks, CustomerView, toCustomerView } from './customer.view';
import { RegisterCustomerCommand } from './register-customer/register-customer.command';
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
  @ApiBody({
    type: RegisterCustomerRequestDto,
    examples: {
      newTenant: {
        summary: 'A new customer tenant',
        value: { companyName: 'Contoso Ltd', domain: 'contoso.onmicrosoft.com', country: 'PL' },
      },
      existingTenant: {
        summary: 'A customer that already has a tenant',
        value: {
          companyName: 'Fabrikam GmbH',
          domain: 'fabrikam.onmicrosoft.com',
          country: 'DE',
          tenantId: '0b6e3f7a-5c1d-4e2f-8a9b-3c4d5e6f7a8b',
        },
      },
    },
  })
  @ApiCreatedResponse({ type: CustomerResponseDto, description: 'The customer; its id is the customer’s tenant GUID' })
  @ApiProblems(
    { status: 400, description: 'a missing or bad field, an unknown country' },
    401,
    403,
    { status: 409, description: '`domain_taken`, or the tenant is already registered' },
    422,
  )
  async register(
    @CurrentPrincipal() principal: Principal,
    @Body() body: RegisterCustomerRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CustomerView> {
    const result = await this.commands.execute(
      new RegisterCustomerCommand(principal, body.companyName, body.domain, body.country, body.tenantId),
    );
    setPositionHeader(reply, result.position);
    const view = toCustomerView(result.customer);
    reply.header('Location', view.links.self.uri);
    return view;
  }

  @Get()
  @Permit('listCustomers')
  @ApiOperation({ summary: 'The calling partner’s customers, in registration order' })
  @ApiPagingQueries()
  @ApiOkResponse({ type: CustomerCollectionDto })
  @ApiProblems(400, 401, 403)
  async list(
    @CurrentPrincipal() principal: Principal,
    @PagingQueries() paging: PagingQuery,
  ): Promise<Collection<CustomerView>> {
    const { page, size: n } = await this.readYourWrites.page(customersProjection.name, paging, (p) =>
      this.customers.list(principal.tenantId.toLowerCase(), p),
    );
    return toCollection(
      '/v1/customers',
      {
        ...page,
        items: page.items.map((c) => ({ ...c, links: customerLinks(c.id), attributes: CUSTOMER_ATTRIBUTES })),
      },
      n,
    );
  }

  @Get(':customerId')
  @Permit(ACCESS.readCustomer)
  @ApiOperation({ summary: 'One customer (the partner’s, or a customer admin’s own)' })
  @ApiOkResponse({ type: CustomerResponseDto })
  @ApiProblems(401, 403, 404)
  async get(@CurrentPrincipal() principal: Principal, @Param('customerId') customerId: string): Promise<CustomerView> {
    const { customer } = await this.access.authorize(principal, customerId, ACCESS.readCustomer);
    return toCustomerView(customer);
  }
}
