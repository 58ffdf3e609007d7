-- The device registration API (issue 6). Additive only: V1's columns keep their names and meaning,
-- delivery reads registrations by them.

ALTER TABLE delivery.registration
    -- the app's bundle id / package name (APNs topic), when the app says it
    ADD COLUMN app_id            text    CHECK (length(app_id) <= 255),
    -- for provider 'apns': which APNs environment issued the token
    ADD COLUMN apns_environment  text    CHECK (apns_environment IN ('production', 'sandbox')),
    -- registered without a token, on a configuration in open-registration mode
    ADD COLUMN open_registration boolean NOT NULL DEFAULT false,
    -- when the app last registered this token (each registration renews expires_at)
    ADD COLUMN last_seen_at      timestamptz NOT NULL DEFAULT now();

-- searches by customer within a tenant
CREATE INDEX registration_customer_idx
    ON delivery.registration (tenant_id, customer_id, updated_at DESC) WHERE customer_id IS NOT NULL;

-- look-ups by device token without a tenant (open registration: the token is the only key)
CREATE INDEX registration_device_token_idx ON delivery.registration (device_token);

-- searches by session without a tenant (open registration)
CREATE INDEX registration_open_session_idx
    ON delivery.registration (session_id, updated_at DESC) WHERE open_registration;

-- the clean-up finds expired and invalidated registrations
CREATE INDEX registration_expires_idx ON delivery.registration (expires_at);
CREATE INDEX registration_invalidated_idx
    ON delivery.registration (invalidated_at) WHERE invalidated_at IS NOT NULL;
