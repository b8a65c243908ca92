/** The PostgreSQL pool of the projections' tables, idempotency records and checkpoints (a `pg` Pool). */
export const DATABASE_POOL = Symbol('DATABASE_POOL');
