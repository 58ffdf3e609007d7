-- Delivery: each notification row carries its lease and retry state; each send is an attempt.
-- (V2 is the registration API's; this migration relies only on V1's columns.)

-- A row not completed is owned by whoever holds its lease: the accepting instance for the first
-- LEASE seconds (the in-process hand-over after commit), then any instance's sweeper. A retry gives
-- the lease up until the next attempt is due (lease_owner NULL, lease_until = next attempt).
ALTER TABLE delivery.notification
    ADD COLUMN lease_until  timestamptz NOT NULL DEFAULT now() + interval '30 seconds',
    ADD COLUMN lease_owner  uuid,
    ADD COLUMN attempts     integer     NOT NULL DEFAULT 0,
    ADD COLUMN provider     text,
    ADD COLUMN error_code   text,
    ADD COLUMN error_detail text,
    -- the provider's last answer: accept -> answer is the delivery latency
    ADD COLUMN answered_at  timestamptz;

-- the sweeper's work list, and the age of the oldest unfinished notification
CREATE INDEX notification_unfinished_idx ON delivery.notification (lease_until) WHERE completed_at IS NULL;
-- the tenant's notifications, newest first (keyset paging)
CREATE INDEX notification_tenant_received_idx ON delivery.notification (tenant_id, received_at DESC, id DESC);

CREATE TABLE delivery.attempt (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id uuid        NOT NULL REFERENCES delivery.notification (id) ON DELETE CASCADE,
    tenant_id       uuid        NOT NULL,
    provider        text        NOT NULL,
    credential_id   uuid,
    outcome         text        NOT NULL
        CHECK (outcome IN ('delivered', 'token_invalid', 'failed', 'retry')),
    error_code      text,
    latency_ms      double precision NOT NULL,
    at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attempt_notification_idx ON delivery.attempt (notification_id, id);
