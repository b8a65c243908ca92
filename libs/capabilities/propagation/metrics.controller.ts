import { Controller, Get, Header, Headers, NotFoundException, Res, UnauthorizedException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { register } from 'prom-client';
import type { FastifyReply } from 'fastify';
import { ApiProblems, AppConfig, MetricsRegistries, Public, SkipRateLimit } from '@csp/platform';
import { PropagationMetrics } from './metrics/propagation.metrics';
import { tokenMatches } from './operator-credential';

/**
 * GET /metrics in Prometheus' text format: counts and latencies, no tenant data. With METRICS_TOKEN set it
 * requires `Authorization: Bearer <METRICS_TOKEN>` (a static token: Prometheus cannot mint our JWTs). In
 * production it is served only then (404 without METRICS_TOKEN); elsewhere, without one, it is public.
 */
@ApiTags('operations')
@Controller('metrics')
@Public()
@SkipRateLimit()
export class MetricsController {
  private readonly token: string | undefined;
  private readonly served: boolean;

  constructor(
    private readonly metrics: PropagationMetrics,
    config: AppConfig,
    private readonly registries: MetricsRegistries,
  ) {
    this.token = config.operator.metricsToken;
    this.served = this.token !== undefined || !config.production;
  }

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics: propagation latency, failures, overdue count, queue depth',
    description:
      'No JWT: with METRICS_TOKEN set, `Authorization: Bearer <METRICS_TOKEN>`; without it open, except in ' +
      'production, where it is then not served.',
    security: [],
  })
  @ApiOkResponse({
    description: 'Prometheus text format 0.0.4',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiProblems(
    { status: 401, description: 'METRICS_TOKEN is set and was not sent' },
    { status: 404, description: 'production without METRICS_TOKEN' },
  )
  async scrape(
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('authorization') authorization?: string,
  ): Promise<string> {
    if (!this.served) throw new NotFoundException('Cannot GET /metrics');
    if (this.token !== undefined) {
      const bearer = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
      if (bearer === undefined || !tokenMatches(bearer, this.token)) {
        reply.header('www-authenticate', 'Bearer realm="csp-orders metrics"');
        throw new UnauthorizedException('Send Authorization: Bearer <METRICS_TOKEN>.');
      }
    }
    // The process-wide registry holds the key pool's metrics; capabilities with registries of their own add them.
    const [own, shared, added] = await Promise.all([
      this.metrics.metrics(),
      register.metrics(),
      this.registries.text(),
    ]);
    return `${own}${shared}${added ? `\n${added}` : ''}`;
  }
}
