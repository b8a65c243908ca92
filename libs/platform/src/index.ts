// config
export {
  AppConfig,
  loadConfig,
  loadConfigOrExit,
  getAppConfig,
  setAppConfig,
  LOG_LEVELS,
  PROCESS_ROLES,
  PROPAGATION_LOCK_MS_DEFAULT,
  PROPAGATION_STALLED_CHECK_MS_DEFAULT,
} from './config/app-config';
export type {
  AppConfigValues,
  LoadConfigOptions,
  LogLevel,
  ProcessRole,
  PropagationSettings,
} from './config/app-config';
export { ConfigError } from './config/config.error';
export { LICENSING_ADAPTERS, keyEncryptionKeysFrom } from './config/key-custody-config';
export type { KeyCustodySettings, LicensingAdapterName } from './config/key-custody-config';
export { loadStorageConfig, type StorageSettings } from './config/storage-config';
export { queueNamespace } from './config/queue-namespace';
export { resolveSecret, LOCAL_SECRET_FILES, MIN_SECRET_LENGTH } from './config/local-secret';
export type { LocalSecretName, ResolvedSecret } from './config/local-secret';
export { PlatformConfigModule } from './config/platform-config.module';
export type { WebhookSettings } from './config/webhook-config';

// auth
export { Role, ALL_ROLES, isRole } from './auth/roles';
export type { Principal, TenantScoped } from './auth/principal';
export { hasAnyRole, tenantScope, isGuid } from './auth/principal';
export { Public, Roles, CurrentPrincipal, IS_PUBLIC_KEY, ROLES_KEY } from './auth/auth.decorators';
export { AuthGuard } from './auth/auth.guard';
export { TENANT_DIRECTORY, tenantNotRegistered } from './auth/tenant-directory';
export type { TenantDirectory, TenantKind } from './auth/tenant-directory';
export { DEV_PARTNER_TENANT, parsePartnerTenants } from './config/partner-tenants';
export type { PartnerTenantSetting } from './config/partner-tenants';
export { RolesGuard } from './auth/roles.guard';
export { JwtVerifier, toPrincipal, unauthorized } from './auth/jwt-verifier';
export type { JwtVerifierOptions } from './auth/jwt-verifier';
export { signLocalToken } from './auth/token-signer';
export type { LocalTokenClaims, SignLocalTokenOptions } from './auth/token-signer';

// errors
export {
  ProblemException,
  PROBLEM_CONTENT_TYPE,
  problemType,
  codeForStatus,
  titleForStatus,
} from './errors/problem-details';
export type { ProblemDetails, FieldError, ProblemOptions } from './errors/problem-details';
export { mapErrorToProblem, MalformedJsonError, BodyTooDeepError, isConnectionError } from './errors/error-mapping';
export type { MappedProblem } from './errors/error-mapping';
export { ProblemDetailsFilter } from './errors/problem-details.filter';
export { createValidationPipe, flattenValidationErrors, validationProblem } from './errors/validation.pipe';
export { isPlainWithKeys, registerBodyRules, type BodyRules } from './errors/body-rules';
export { scrubSecrets, redactPath } from './errors/scrub-secrets';
export {
  ProblemDetailsDto,
  FieldErrorDto,
  ApiProblems,
  ApiProblemResponses,
  PROBLEM_SCHEMA,
  PROBLEM_MEDIA_TYPE,
} from './errors/problem-details.dto';
export type { ProblemResponse } from './errors/problem-details.dto';

// request context
export {
  getRequestContext,
  runWithRequestContext,
  CORRELATION_ID_HEADER,
  REQUEST_ID_HEADER,
} from './request-context/request-context';
export type { RequestContext } from './request-context/request-context';
export { registerRequestContextHooks } from './request-context/request-context.hooks';

// logging
export { createPinoLogger, REDACT_PATHS } from './logging/pino-logger';
export type { CreateLoggerOptions } from './logging/pino-logger';
export { PinoLoggerService } from './logging/pino-logger.service';
export { exitIfShutdownHangs, SHUTDOWN_DEADLINE_MS } from './lifecycle/shutdown-deadline';

// idempotency
export { IdempotencyStore } from './idempotency/idempotency.store';
export type {
  IdempotencyKey,
  StoredResponse,
  BeginResult,
  IdempotencyStoreOptions,
} from './idempotency/idempotency.store';
export { IdempotencyInterceptor, IDEMPOTENT_REPLAY_HEADER } from './idempotency/idempotency.interceptor';
export type { IdempotencyInterceptorOptions } from './idempotency/idempotency.interceptor';
export { Idempotent, IDEMPOTENT_KEY } from './idempotency/idempotent.decorator';
export { IdempotencyModule } from './idempotency/idempotency.module';
export type { IdempotencyModuleOptions, IdempotencyModuleAsyncOptions } from './idempotency/idempotency.module';
export { canonicalJson, sha256Hex } from './idempotency/canonical-json';

// http
export { createHttpApp } from './http/create-http-app';
export type { CreateHttpAppOptions } from './http/create-http-app';
export { setupSwagger } from './http/swagger.setup';
export { buildOpenApiDocument, BEARER_SCHEME, SERVER_URL } from './http/openapi.document';
export type { OpenApiDocumentOptions } from './http/openapi.document';
export type { SwaggerSetupOptions } from './http/swagger.setup';
export { RateLimitGuard, SkipRateLimit } from './http/rate-limit.guard';
export {
  TenantRateLimiter,
  rateLimiterOptionsOf,
  rateLimitKeyPrefix,
  startRateLimitClusterPrimary,
  RATE_LIMIT_WINDOW_SECONDS,
} from './http/tenant-rate-limiter';
export type { RateLimitDecision, RateLimitBackend, TenantRateLimiterOptions } from './http/tenant-rate-limiter';
export { registerJsonBodyParser } from './http/json-body.parser';
export { jsonDepthExceeds, MAX_JSON_DEPTH } from './http/json-depth';

export { PlatformModule, PINO_LOGGER } from './platform.module';
export type { PlatformModuleOptions } from './platform.module';
export { MetricsRegistries } from './metrics/metrics-registries';

export { csvFile, filteredCollection, linkTo } from './http/collection-export';
export type { CsvColumn } from './http/collection-export';
export {
  invalidContinuationToken,
  parseContinuationToken,
  parseMinPosition,
  PagingQueries,
  parseSize,
  toCollection,
  withObjectType,
} from './http/collection';
export type { Collection, PagingQuery } from './http/collection';
export { setPositionHeader } from './http/position-header';
export { parseAuditDateRange, parseGuidFilter, parsePeriod, parsePosition, wantsCsv } from './http/query-params';
export {
  ApiJsonOrCsvResponse,
  ApiPagingQueries,
  CONTINUATION_TOKEN_QUERY,
  MIN_POSITION_QUERY,
  SIZE_QUERY,
} from './http/query.docs';
export {
  CollectionDto,
  LinkDto,
  MoneyResponseDto,
  PurchasedLineFieldsDto,
  TERM_DURATIONS,
  objectTypeAttributes,
} from './http/response.dto';
