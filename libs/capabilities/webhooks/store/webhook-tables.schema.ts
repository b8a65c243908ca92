/**
 * The webhook capability's tables. The dispatcher (a checkpointed projection) writes endpoints, the order index,
 * pending credits and closed periods, and creates deliveries; the delivery worker updates deliveries and writes
 * attempts; the API writes only secrets (encrypted) and resets deliveries for a retry or a replay.
 */
export const WEBHOOK_DDL = [
  `CREATE TABLE IF NOT EXISTS webhook_endpoints (
     endpoint_id text PRIMARY KEY,
     partner_tenant_id text NOT NULL,
     url text NOT NULL,
     event_types text[] NOT NULL,
     description text,
     status text NOT NULL,
     disabled_reason text,
     secret_version integer NOT NULL,
     previous_secret_expires_at timestamptz,
     registered_at timestamptz NOT NULL,
     updated_at timestamptz NOT NULL,
     -- Written by the delivery worker only: failed deliveries in a row.
     consecutive_failures integer NOT NULL DEFAULT 0,
     position bigint NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS webhook_endpoints_partner ON webhook_endpoints (partner_tenant_id, registered_at)`,
  // Secrets, AES-256-GCM under WEBHOOK_SECRETS_KEY, bound to (endpoint, version) by the authenticated data.
  `CREATE TABLE IF NOT EXISTS webhook_secrets (
     endpoint_id text NOT NULL,
     version integer NOT NULL,
     iv bytea NOT NULL,
     ciphertext bytea NOT NULL,
     tag bytea NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (endpoint_id, version)
   )`,
  `CREATE TABLE IF NOT EXISTS webhook_orders (
     order_id text PRIMARY KEY,
     partner_tenant_id text NOT NULL,
     customer_id text NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS webhook_pending_credits (
     order_id text NOT NULL,
     line_item_number integer NOT NULL,
     credit_minor bigint NOT NULL,
     currency_code text NOT NULL,
     cancelled_at timestamptz NOT NULL,
     position bigint NOT NULL,
     PRIMARY KEY (order_id, line_item_number)
   )`,
  `CREATE TABLE IF NOT EXISTS webhook_closed_periods (
     partner_tenant_id text NOT NULL,
     period text NOT NULL,
     PRIMARY KEY (partner_tenant_id, period)
   )`,
  // One delivery per endpoint per message: its id (the webhook-id) derives from the endpoint, the event and the key.
  `CREATE TABLE IF NOT EXISTS webhook_deliveries (
     id text PRIMARY KEY,
     endpoint_id text NOT NULL,
     partner_tenant_id text NOT NULL,
     event_id text NOT NULL,
     event_type text NOT NULL,
     position bigint NOT NULL,
     event_recorded_at timestamptz NOT NULL,
     payload text NOT NULL,
     status text NOT NULL,
     attempts integer NOT NULL DEFAULT 0,
     -- Attempts made before the last retry or replay: the schedule restarts from there.
     schedule_base integer NOT NULL DEFAULT 0,
     next_attempt_at timestamptz NOT NULL,
     lease_until timestamptz,
     last_status_code integer,
     last_error text,
     created_at timestamptz NOT NULL DEFAULT now(),
     delivered_at timestamptz,
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX IF NOT EXISTS webhook_deliveries_partner ON webhook_deliveries (partner_tenant_id, position DESC, id)`,
  `CREATE INDEX IF NOT EXISTS webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, position)`,
  `CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`,
  `CREATE TABLE IF NOT EXISTS webhook_attempts (
     delivery_id text NOT NULL,
     attempt integer NOT NULL,
     started_at timestamptz NOT NULL,
     duration_ms integer NOT NULL,
     status_code integer,
     response_body text,
     error text,
     PRIMARY KEY (delivery_id, attempt)
   )`,
];
