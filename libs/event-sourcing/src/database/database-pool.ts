/** The PostgreSQL pool of read models, idempotency records and checkpoints (a `pg` Pool). */
export const DATABASE_POOL = Symbol('DATABASE_POOL');
