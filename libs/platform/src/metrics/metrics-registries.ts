import { Injectable } from '@nestjs/common';
import type { Registry } from 'prom-client';

/**
 * The Prometheus registries capabilities add to /metrics beside propagation's (each capability keeps its own
 * registry, since several apps share a test process). Provided once, by PlatformModule.
 */
@Injectable()
export class MetricsRegistries {
  private readonly registries = new Set<Registry>();

  add(registry: Registry): void {
    this.registries.add(registry);
  }

  /** Every added registry's text, one after the other. */
  async text(): Promise<string> {
    const parts = await Promise.all([...this.registries].map((r) => r.metrics()));
    return parts.join('\n');
  }
}
