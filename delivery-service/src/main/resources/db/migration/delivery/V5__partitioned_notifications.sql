-- The notification store partitioned by time (issue 16): one partition per UTC day of
-- notification.received_at, and of attempt.at beside it, so that a day past retention goes with a
-- DROP of its partitions instead of a DELETE of its rows. Every row of V1-V3's tables is kept, with
-- its status, lease and attempts; the old tables are dropped at the end.
--
-- PostgreSQL puts the partition key into every unique index, so (tenant_id, event_id) cannot stay
-- unique on the notification itself: duplicate detection moves to delivery.notification_dedup, a
-- narrow table without partitions that the inbox writes in the same statement as the notification,
-- and that maintenance prunes after pushgate.retention.dedup-window (README, "Data retention").

ALTER TABLE delivery.notification RENAME TO notification_unpartitioned;
ALTER TABLE delivery.attempt RENAME TO attempt_unpartitioned;
ALTER INDEX delivery.notification_unfinished_idx RENAME TO notification_unpartitioned_unfinished_idx;
ALTER INDEX delivery.notification_tenant_received_idx RENAME TO notification_unpartitioned_tenant_received_idx;
ALTER INDEX delivery.attempt_notification_idx RENAME TO attempt_unpartitioned_notification_idx;
ALTER TABLE delivery.notification_unpartitioned RENAME CONSTRAINT notification_pkey TO notification_unpartitioned_pkey;
ALTER TABLE delivery.notification_unpartitioned
    RENAME CONSTRAINT notification_tenant_id_event_id_key TO notification_unpartitioned_tenant_id_event_id_key;
ALTER TABLE delivery.attempt_unpartitioned RENAME CONSTRAINT attempt_pkey TO attempt_unpartitioned_pkey;
ALTER SEQUENCE delivery.attempt_id_seq RENAME TO attempt_unpartitioned_id_seq;

-- V1's and V3's columns, in their order and with their defaults and CHECK
CREATE TABLE delivery.notification (
    id               uuid        NOT NULL,
    tenant_id        uuid        NOT NULL,
    configuration_id uuid        NOT NULL,
    event_id         text        NOT NULL,
    session_id       text        NOT NULL,
    payload          jsonb       NOT NULL,
    status           text        NOT NULL DEFAULT 'accepted'
        CONSTRAINT notification_status_check
        CHECK (status IN ('accepted', 'retrying', 'delivered', 'no_device', 'token_invalid', 'failed', 'expired')),
    received_at      timestamptz NOT NULL DEFAULT now(),
    completed_at     timestamptz,
    lease_until      timestamptz NOT NULL DEFAULT now() + interval '30 seconds',
    lease_owner      uuid,
    attempts         integer     NOT NULL DEFAULT 0,
    provider         text,
    error_code       text,
    error_detail     text,
    answered_at      timestamptz,
    PRIMARY KEY (id, received_at)
) PARTITION BY RANGE (received_at);

-- the sweeper's work list, and the age of the oldest unfinished notification
CREATE INDEX notification_unfinished_idx ON delivery.notification (lease_until) WHERE completed_at IS NULL;
-- the tenant's notifications, newest first (keyset paging)
CREATE INDEX notification_tenant_received_idx ON delivery.notification (tenant_id, received_at DESC, id DESC);

-- Attempts by the time they were made. No foreign key: PostgreSQL would need the notification's
-- received_at in it, and a day's attempts go with their day's notifications (maintenance drops both).
CREATE TABLE delivery.attempt (
    id              bigint      GENERATED ALWAYS AS IDENTITY,
    notification_id uuid        NOT NULL,
    tenant_id       uuid        NOT NULL,
    provider        text        NOT NULL,
    credential_id   uuid,
    outcome         text        NOT NULL
        CONSTRAINT attempt_outcome_check
        CHECK (outcome IN ('delivered', 'token_invalid', 'failed', 'retry')),
    error_code      text,
    latency_ms      double precision NOT NULL,
    at              timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE INDEX attempt_notification_idx ON delivery.attempt (notification_id, id);

-- Duplicate detection, exact across partitions for as long as a row is kept here: the inbox inserts
-- (tenant_id, event_id) first, ON CONFLICT DO NOTHING, and writes the notification only for the keys
-- it inserted.
CREATE TABLE delivery.notification_dedup (
    tenant_id       uuid        NOT NULL,
    event_id        text        NOT NULL,
    notification_id uuid        NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, event_id)
);
-- maintenance prunes by age
CREATE INDEX notification_dedup_received_idx ON delivery.notification_dedup (received_at);

-- Autovacuum of the hot tables (README, "Data retention", says why; nothing here was measured).
-- Partitions carry their own settings (a partitioned table holds no rows and takes none): see
-- create_day_partitions. The dedup table takes every callback's insert and maintenance's deletes.
ALTER TABLE delivery.notification_dedup SET (
    autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_vacuum_insert_scale_factor = 0.05,
    autovacuum_analyze_scale_factor = 0.02,
    autovacuum_vacuum_cost_delay = 1);

-- One UTC day's partition of each table, if it is not there yet. The partition is created as a table
-- of its own and attached (which takes SHARE UPDATE EXCLUSIVE on the parent, not ACCESS EXCLUSIVE as
-- CREATE TABLE … PARTITION OF would), so that making tomorrow's partition never stalls today's inserts.
CREATE FUNCTION delivery.create_day_partitions(day date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    suffix      text        := to_char(day, 'YYYYMMDD');
    day_start   timestamptz := day::timestamp AT TIME ZONE 'UTC';
    day_end     timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
    created     boolean     := false;
    parent      text;
    part        text;
BEGIN
    FOREACH parent IN ARRAY ARRAY['notification', 'attempt'] LOOP
        part := parent || '_p' || suffix;
        IF to_regclass('delivery.' || part) IS NULL THEN
            EXECUTE format(
                'CREATE TABLE delivery.%I (LIKE delivery.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH ('
                    || 'autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.05, '
                    || 'autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 1)',
                part, parent);
            created := true;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_inherits
                        WHERE inhrelid = ('delivery.' || part)::regclass
                          AND inhparent = ('delivery.' || parent)::regclass) THEN
            EXECUTE format('ALTER TABLE delivery.%I ATTACH PARTITION delivery.%I FOR VALUES FROM (%L) TO (%L)',
                           parent, part, day_start, day_end);
            created := true;
        END IF;
    END LOOP;
    RETURN created;
END
$$;

-- Partitions for every day that holds a row, and for today and the next three days.
DO $$
DECLARE
    first_day date;
    last_day  date;
    d         date;
BEGIN
    SELECT least(
               (SELECT min(received_at) FROM delivery.notification_unpartitioned),
               (SELECT min(at) FROM delivery.attempt_unpartitioned),
               now()) AT TIME ZONE 'UTC',
           greatest(
               (SELECT max(received_at) FROM delivery.notification_unpartitioned),
               (SELECT max(at) FROM delivery.attempt_unpartitioned),
               now() + interval '3 days') AT TIME ZONE 'UTC'
      INTO first_day, last_day;
    d := first_day;
    WHILE d <= last_day LOOP
        PERFORM delivery.create_day_partitions(d);
        d := d + 1;
    END LOOP;
END
$$;

INSERT INTO delivery.notification
       (id, tenant_id, configuration_id, event_id, session_id, payload, status, received_at, completed_at,
        lease_until, lease_owner, attempts, provider, error_code, error_detail, answered_at)
SELECT id, tenant_id, configuration_id, event_id, session_id, payload, status, received_at, completed_at,
       lease_until, lease_owner, attempts, provider, error_code, error_detail, answered_at
  FROM delivery.notification_unpartitioned;

INSERT INTO delivery.attempt
       (id, notification_id, tenant_id, provider, credential_id, outcome, error_code, latency_ms, at)
OVERRIDING SYSTEM VALUE
SELECT id, notification_id, tenant_id, provider, credential_id, outcome, error_code, latency_ms, at
  FROM delivery.attempt_unpartitioned;
-- new attempts are numbered after the kept ones
SELECT setval(pg_get_serial_sequence('delivery.attempt', 'id'),
              coalesce((SELECT max(id) FROM delivery.attempt_unpartitioned), 0) + 1, false);

-- every kept event is still recognised as a duplicate, for the dedup window from its receipt
INSERT INTO delivery.notification_dedup (tenant_id, event_id, notification_id, received_at)
SELECT tenant_id, event_id, id, received_at FROM delivery.notification_unpartitioned;

DROP TABLE delivery.attempt_unpartitioned;
DROP TABLE delivery.notification_unpartitioned;
