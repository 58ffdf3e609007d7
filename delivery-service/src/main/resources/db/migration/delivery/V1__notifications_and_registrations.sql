-- The data plane's core: device registrations (the tenant-scoped token store) and notifications
-- (the durable inbox and outbox in one: a row is written before AXP gets its 202).

CREATE TABLE delivery.registration (
    id               uuid        PRIMARY KEY,
    tenant_id        uuid        NOT NULL,
    configuration_id uuid        NOT NULL,
    device_token     text        NOT NULL,
    session_id       text        NOT NULL,
    customer_id      text,
    platform         text        NOT NULL CHECK (platform IN ('android', 'ios')),
    provider         text        NOT NULL CHECK (provider IN ('fcm', 'apns')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL,
    invalidated_at   timestamptz,
    invalidated_reason text,
    UNIQUE (tenant_id, device_token)
);

-- delivery looks up the newest active registration of a session
CREATE INDEX registration_session_idx
    ON delivery.registration (tenant_id, configuration_id, session_id, updated_at DESC);

CREATE TABLE delivery.notification (
    id               uuid        PRIMARY KEY,
    tenant_id        uuid        NOT NULL,
    configuration_id uuid        NOT NULL,
    event_id         text        NOT NULL,
    session_id       text        NOT NULL,
    payload          jsonb       NOT NULL,
    status           text        NOT NULL DEFAULT 'accepted'
        CHECK (status IN ('accepted', 'retrying', 'delivered', 'no_device', 'token_invalid', 'failed', 'expired')),
    received_at      timestamptz NOT NULL DEFAULT now(),
    completed_at     timestamptz,
    -- AXP never retries: the event id is the idempotency key
    UNIQUE (tenant_id, event_id)
);
