import { Injectable } from '@nestjs/common';
import type { TenantDirectory as AuthTenantDirectory, TenantKind } from '@csp/platform';
import { TenantDirectory } from './access/tenant-directory';

/**
 * The AuthGuard's port (platform) answered by the application's TenantDirectory: a partner only if the registry
 * says so, a customer only if registered as one; anything else (`unknown`) is refused by the guard with 403.
 */
@Injectable()
export class TenantDirectoryService implements AuthTenantDirectory {
  constructor(private readonly directory: TenantDirectory) {}

  async kindOf(tenantId: string): Promise<TenantKind | undefined> {
    const kind = await this.directory.kindOf(tenantId);
    return kind === 'partner' || kind === 'customer' ? kind : undefined;
  }
}
