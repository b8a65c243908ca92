export const AUDIT_RECORDS_TABLE = 'rm_audit_records';
export const AUDIT_CUSTOMER_NAMES_TABLE = 'rm_audit_customer_names';
export const AUDIT_RECORD_COUNTS_TABLE = 'rm_audit_record_counts';

export const AUDIT_RECORDS_DDL = [
  `CREATE TABLE IF NOT EXISTS rm_audit_records (
     -- The audited event's id: one record per event, the same after any replay (primary key: see below).
     id text NOT NULL,
     partner_id text NOT NULL,
     customer_id text NOT NULL,
     customer_name text NOT NULL,
     user_principal_name text NOT NULL,
     operation_type text NOT NULL,
     operation_date timestamptz NOT NULL,
     operation_status text NOT NULL,
     customized_data jsonb NOT NULL,
     position bigint NOT NULL
   )`,
  // Records per partner, UTC day and type: the log's totalCount over a range of whole days without counting
  // hundreds of thousands of index entries. Only rows actually inserted are counted (see the projection).
  `CREATE TABLE IF NOT EXISTS rm_audit_record_counts (
     partner_id text NOT NULL,
     day date NOT NULL,
     operation_type text NOT NULL,
     n bigint NOT NULL,
     PRIMARY KEY (partner_id, day, operation_type)
   )`,
  // Customer names, kept by this projection so that it needs no other projection's tables.
  `CREATE TABLE IF NOT EXISTS rm_audit_customer_names (
     customer_id text PRIMARY KEY,
     partner_id text NOT NULL,
     company_name text NOT NULL,
     position bigint NOT NULL
   )`,
];

/** Indexes a load from scratch goes without (see MigrateOptions). */
export const AUDIT_RECORDS_QUERY_INDEXES = [
  // The key only makes a redelivered record change nothing (ON CONFLICT): a replay applies each event once and
  // adds it after its load, one sort instead of a random insert per record (most of the build's insert time).
  `DO $$ BEGIN
     IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'rm_audit_records'::regclass AND contype = 'p') THEN
       ALTER TABLE rm_audit_records ADD CONSTRAINT rm_audit_records_pkey PRIMARY KEY (id);
     END IF;
   END $$`,
  // The log's query: a partner's records in a date range, newest first, keyset-paged on (date, position):
  // the position breaks ties between records of the same instant in the order they happened.
  // customer_id and operation_type ride along so that filtered pages and counts stay index-only.
  `CREATE INDEX IF NOT EXISTS rm_audit_records_partner_date ON rm_audit_records
     (partner_id, operation_date, position) INCLUDE (customer_id, operation_type)`,
  // One customer's records (a selective filter would otherwise scan the partner's whole range).
  `CREATE INDEX IF NOT EXISTS rm_audit_records_customer_date ON rm_audit_records (customer_id, operation_date, position)`,
];
