-- Issue 16's big data set, generated in SQL (generate_series), not through the API: 10,000 tenants
-- (one configuration each), 10 million registrations and 50 million notifications over the 30 days
-- before today (UTC), one day's partitions at a time. docs/PERFORMANCE.md, "The 50-million-row data
-- set", says how it was run and what was measured on it.
--
-- Run it ONLY against a database of its own, already migrated (tenancy V1-V5, delivery V1-V12: start
-- tenant-service and delivery-service against it once, or apply the migration files in order):
--   createdb -h 127.0.0.1 -U postgres pushgate_big
--   psql -h 127.0.0.1 -U postgres -d pushgate_big -v ON_ERROR_STOP=1 \
--        -f infra/loadgen/src/main/resources/bigdata/big-dataset.sql
-- Smaller sets: -v tenants=100 -v registrations=100000 -v notifications=500000 -v days=30
--
-- The shape: tenant 1 (id 00000000-0000-4000-8000-000000000001) is the big one, with a fifth of the
-- notifications (10 million of 50) and one attempt for each of them; the other tenants share the
-- rest evenly and have no attempts (which keeps the load to minutes; attempts matter to the
-- measurements only for the tenant whose retention pass and read API are measured). 90 % of the
-- notifications are delivered, 5 % no_device, 3 % failed, 2 % token_invalid, all finished. A tenth of
-- the registrations have expired, a twentieth are invalidated; the others were last seen at seconds
-- spread over the last 30 days and expire 30 days after (pushgate.registrations.idle-expiry): about 200
-- a minute from the load on, as in a store in use. No dedup keys are loaded.
--
-- Each day's partitions are made as plain tables, filled, and then attached, so that their indexes
-- are built once, sorted, instead of row by row (what delivery.create_day_partitions makes at run
-- time, with the same storage settings).

\if :{?tenants} \else \set tenants 10000 \endif
\if :{?registrations} \else \set registrations 10000000 \endif
\if :{?notifications} \else \set notifications 50000000 \endif
\if :{?days} \else \set days 30 \endif
\timing on
SET synchronous_commit = off;
SET maintenance_work_mem = '512MB';

CREATE OR REPLACE FUNCTION pg_temp.tenant_id(n bigint) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$ SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$;
CREATE OR REPLACE FUNCTION pg_temp.configuration_id(n bigint) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$ SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(n), 12, '0'))::uuid $$;

\echo tenants and configurations
INSERT INTO tenancy.tenant (id, name)
SELECT pg_temp.tenant_id(t), 'bench tenant ' || t FROM generate_series(1, :tenants) t;
INSERT INTO tenancy.configuration (id, tenant_id, name, callback_key, secret_ciphertext, axp_configuration_id)
SELECT pg_temp.configuration_id(t), pg_temp.tenant_id(t), 'bench configuration ' || t,
       'bench-callback-key-' || t, decode(md5(t::text), 'hex'), 'bench-axp-configuration-' || t
  FROM generate_series(1, :tenants) t;

\echo registrations: registration r belongs to tenant 1 + r % tenants, session bench-session-<r>
-- loaded without its indexes and constraints (kept as the catalog has them, and made again after:
-- a sorted build each instead of ten million random insertions into eight b-trees)
CREATE TEMP TABLE registration_indexes AS
SELECT c.conname AS name, 'ALTER TABLE delivery.registration ADD CONSTRAINT ' || quote_ident(c.conname) || ' '
       || pg_get_constraintdef(c.oid) AS definition, 1 AS ord
  FROM pg_constraint c WHERE c.conrelid = 'delivery.registration'::regclass AND c.contype IN ('p', 'u')
UNION ALL
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), 2
  FROM pg_index i
 WHERE i.indrelid = 'delivery.registration'::regclass
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM registration_indexes ORDER BY ord DESC LOOP
        IF r.ord = 1 THEN
            EXECUTE format('ALTER TABLE delivery.registration DROP CONSTRAINT %I', r.name);
        ELSE
            EXECUTE format('DROP INDEX %s', r.name);
        END IF;
    END LOOP;
END
$$;
INSERT INTO delivery.registration (id, tenant_id, configuration_id, device_token, session_id, customer_id,
       platform, provider, created_at, updated_at, last_seen_at, expires_at, invalidated_at, invalidated_reason)
SELECT gen_random_uuid(), pg_temp.tenant_id(1 + r % :tenants), pg_temp.configuration_id(1 + r % :tenants),
       'bench-token-' || r || '-' || md5(r::text), 'bench-session-' || r, 'customer-' || (r / 3),
       CASE WHEN r % 2 = 0 THEN 'android' ELSE 'ios' END, CASE WHEN r % 2 = 0 THEN 'fcm' ELSE 'apns' END,
       now() - (r % 60) * interval '1 day', now() - (r % 2592000) * interval '1 second',
       now() - (r % 2592000) * interval '1 second',
       CASE WHEN r % 10 = 0 THEN now() - (r % 20) * interval '1 day'
            ELSE now() + (2592000 - r % 2592000) * interval '1 second' END,
       CASE WHEN r % 20 = 1 THEN now() - (r % 20) * interval '1 day' END,
       CASE WHEN r % 20 = 1 THEN 'Unregistered' END
  FROM generate_series(1, :registrations) r;
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM registration_indexes ORDER BY ord LOOP
        EXECUTE r.definition;
    END LOOP;
END
$$;
ANALYZE delivery.registration;

\echo the dashboard's counts of active registrations, as the migration (V12) makes them from the table
BEGIN;
DELETE FROM delivery.registration_count;
UPDATE delivery.registration_count_state SET at = now();
INSERT INTO delivery.registration_count (tenant_id, configuration_id, active)
SELECT tenant_id, configuration_id, count(*)
  FROM delivery.registration
 WHERE invalidated_at IS NULL AND expires_at > now()
 GROUP BY tenant_id, configuration_id;
COMMIT;

\echo notifications, one day at a time
CREATE TEMP TABLE bench_settings AS
SELECT :tenants::bigint AS tenants, :notifications::bigint AS notifications, :days::int AS days;

DO $$
DECLARE
    s         bench_settings%ROWTYPE;
    per_day   bigint;
    d         int;
    day       date;
    day_start timestamptz;
    suffix    text;
    parent    text;
    started   timestamptz;
BEGIN
    SELECT * INTO s FROM bench_settings;
    per_day := s.notifications / s.days;
    FOR d IN 1 .. s.days LOOP
        started := clock_timestamp();
        day := (now() AT TIME ZONE 'UTC')::date - d;
        day_start := day::timestamp AT TIME ZONE 'UTC';
        suffix := to_char(day, 'YYYYMMDD');
        FOREACH parent IN ARRAY ARRAY['notification', 'attempt'] LOOP
            IF to_regclass('delivery.' || parent || '_p' || suffix) IS NOT NULL THEN
                RAISE EXCEPTION 'delivery.%_p% exists already: load into a fresh database', parent, suffix;
            END IF;
            EXECUTE format(
                'CREATE TABLE delivery.%I (LIKE delivery.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH ('
                    || 'autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.05, '
                    || 'autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 1)',
                parent || '_p' || suffix, parent);
        END LOOP;
        -- row i of the day: tenant 1 for every fifth row, else one of the others in turn; received
        -- evenly over the day
        EXECUTE format($sql$
            INSERT INTO delivery.%I (id, tenant_id, configuration_id, event_id, session_id, payload, status,
                   received_at, completed_at, lease_until, attempts, provider, error_code, answered_at)
            SELECT gen_random_uuid(), pg_temp.tenant_id(t), pg_temp.configuration_id(t),
                   'bench-event-' || %L || '-' || i, 'bench-session-' || (1 + i %% 10000000),
                   jsonb_build_object('eventId', 'bench-event-' || %L || '-' || i, 'eventType', 'MESSAGE',
                       'sessionId', 'bench-session-' || (1 + i %% 10000000),
                       'body', 'Your agent has replied to your message about order ' || i),
                   st, at, at + interval '40 milliseconds', at, CASE WHEN st = 'no_device' THEN 0 ELSE 1 END,
                   CASE WHEN st = 'no_device' THEN NULL WHEN i %% 2 = 0 THEN 'fcm' ELSE 'apns' END,
                   CASE st WHEN 'failed' THEN 'INTERNAL' WHEN 'token_invalid' THEN 'UNREGISTERED' END,
                   at + interval '5 milliseconds'
              FROM (SELECT i,
                           CASE WHEN i %% 5 = 0 THEN 1 ELSE 2 + i %% (%s - 1) END AS t,
                           %L::timestamptz + (i * 86400.0 / %s) * interval '1 second' AS at,
                           CASE WHEN i %% 100 < 90 THEN 'delivered' WHEN i %% 100 < 95 THEN 'no_device'
                                WHEN i %% 100 < 98 THEN 'failed' ELSE 'token_invalid' END AS st
                      FROM generate_series(0, %s - 1) i) g$sql$,
            'notification_p' || suffix, suffix, suffix, s.tenants, day_start, per_day, per_day);
        EXECUTE format($sql$
            INSERT INTO delivery.%I (id, notification_id, tenant_id, provider, outcome, error_code, latency_ms, at)
            SELECT nextval(pg_get_serial_sequence('delivery.attempt', 'id')), id, tenant_id, coalesce(provider, 'fcm'),
                   CASE status WHEN 'no_device' THEN 'failed' ELSE status END, error_code, 35, received_at + interval '35 milliseconds'
              FROM delivery.%I WHERE tenant_id = %L$sql$,
            'attempt_p' || suffix, 'notification_p' || suffix, '00000000-0000-4000-8000-000000000001');
        FOREACH parent IN ARRAY ARRAY['notification', 'attempt'] LOOP
            EXECUTE format('ALTER TABLE delivery.%I ATTACH PARTITION delivery.%I FOR VALUES FROM (%L) TO (%L)',
                           parent, parent || '_p' || suffix, day_start, day_start + interval '1 day');
        END LOOP;
        COMMIT;
        RAISE NOTICE 'day % (%): % notifications in %', d, day, per_day, clock_timestamp() - started;
    END LOOP;
END
$$;

\echo today and the days ahead, as maintenance would make them
SELECT delivery.create_day_partitions(((now() AT TIME ZONE 'UTC')::date + n)) FROM generate_series(0, 3) n;
ANALYZE delivery.notification;
ANALYZE delivery.attempt;
