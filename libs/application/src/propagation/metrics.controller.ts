import { Controller, Get, Header, Headers, NotFoundException, Res, UnauthorizedException } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig, Public, SkipRateLimit } from '@csp/platform';
import { PropagationMetrics } from '@csp/propagation';
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
  ) {
    this.token = config.operator.metricsToken;
    this.served = this.token !== undefined || !config.production;
  }

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics: propagation latency, failures, overdue count, queue depth' })
  @ApiProduces('text/plain')
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
    return this.metrics.metrics();
  }
}
