import { Module } from '@nestjs/common';
import { DigestProducer } from './produce-digests/digest-producer';

/** Worker side (ROLE=worker, or all-in-one): the digest producer. Needs the infrastructure (pool, store, clock). */
@Module({ providers: [DigestProducer], exports: [DigestProducer] })
export class AuditTrailWorkerModule {}
