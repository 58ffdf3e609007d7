-- The control plane: members, configuration options, provider credentials, app clients, trusted
-- issuers, the platform's token signing keys and the audit log. Secret material is stored sealed
-- (SecretCipher: AEAD, associated data = tenant id + record id), never in clear.

CREATE TABLE tenancy.member (
    id            uuid        PRIMARY KEY,
    tenant_id     uuid        NOT NULL REFERENCES tenancy.tenant (id) ON DELETE CASCADE,
    -- stored lower-case; one account per e-mail platform-wide (sign-in is by e-mail alone)
    email         text        NOT NULL UNIQUE CHECK (email = lower(email)),
    password_hash text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('owner', 'admin', 'viewer')),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX member_tenant_idx ON tenancy.member (tenant_id, created_at, id);

CREATE TABLE tenancy.credential (
    id                  uuid        PRIMARY KEY,
    tenant_id           uuid        NOT NULL REFERENCES tenancy.tenant (id) ON DELETE CASCADE,
    type                text        NOT NULL CHECK (type IN ('sandbox', 'fcm', 'apns')),
    name                text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- public metadata only (project id, client e-mail, key id, team id, topic, environment)
    metadata            jsonb       NOT NULL DEFAULT '{}',
    fingerprint         text        NOT NULL,
    -- the sealed material: FCM service-account JSON or APNs .p8 PEM; NULL for sandbox
    material_ciphertext bytea,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credential_tenant_idx ON tenancy.credential (tenant_id, created_at, id);

ALTER TABLE tenancy.configuration
    ADD COLUMN notification_title          text     CHECK (length(notification_title) <= 200),
    ADD COLUMN notification_body           text     CHECK (length(notification_body) <= 1000),
    ADD COLUMN open_registration           boolean  NOT NULL DEFAULT false,
    ADD COLUMN delivery_window_seconds     bigint   NOT NULL DEFAULT 600 CHECK (delivery_window_seconds > 0),
    -- NULL: the tenant's only credential, if it has exactly one; otherwise delivery fails clearly
    ADD COLUMN default_android_credential_id uuid   REFERENCES tenancy.credential (id) ON DELETE SET NULL,
    ADD COLUMN default_ios_credential_id     uuid   REFERENCES tenancy.credential (id) ON DELETE SET NULL;
CREATE INDEX configuration_tenant_page_idx ON tenancy.configuration (tenant_id, created_at, id);

CREATE TABLE tenancy.app_client (
    id          uuid        PRIMARY KEY,
    tenant_id   uuid        NOT NULL REFERENCES tenancy.tenant (id) ON DELETE CASCADE,
    client_id   text        NOT NULL UNIQUE,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- SHA-256 of the 256-bit random client secret
    secret_hash bytea       NOT NULL,
    scopes      text        NOT NULL DEFAULT 'registrations',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX app_client_tenant_idx ON tenancy.app_client (tenant_id, created_at, id);

CREATE TABLE tenancy.trusted_issuer (
    id         uuid        PRIMARY KEY,
    tenant_id  uuid        NOT NULL REFERENCES tenancy.tenant (id) ON DELETE CASCADE,
    issuer     text        NOT NULL,
    jwks_uri   text        NOT NULL,
    audience   text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- an issuer + audience pair belongs to one tenant only
    UNIQUE (issuer, audience)
);
CREATE INDEX trusted_issuer_tenant_idx ON tenancy.trusted_issuer (tenant_id, created_at, id);

-- The platform's JWT signing keys (EC P-256). The private JWK is sealed with tenant id = the nil UUID.
CREATE TABLE tenancy.signing_key (
    id                     uuid        PRIMARY KEY,
    private_jwk_ciphertext bytea       NOT NULL,
    public_jwk             text        NOT NULL,
    created_at             timestamptz NOT NULL DEFAULT now(),
    -- set when a newer key takes over; the key stays published until its last token expired
    retired_at             timestamptz
);

-- Append-only: who did what to which target, when, from where, with which outcome. Never a secret.
CREATE TABLE tenancy.audit_event (
    id          bigserial   PRIMARY KEY,
    -- NULL for a sign-in with an unknown e-mail
    tenant_id   uuid        REFERENCES tenancy.tenant (id) ON DELETE CASCADE,
    actor       text        NOT NULL,
    action      text        NOT NULL,
    target      text,
    source_ip   text,
    outcome     text        NOT NULL CHECK (outcome IN ('success', 'failure')),
    occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_event_tenant_idx ON tenancy.audit_event (tenant_id, id DESC);
