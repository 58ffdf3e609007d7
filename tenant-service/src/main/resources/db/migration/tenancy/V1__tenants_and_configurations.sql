-- The control plane's core: a tenant and its AXP push configurations.
-- Secrets are stored encrypted (AEAD, associated data = tenant id + record id); never in clear.

CREATE TABLE tenancy.tenant (
    id         uuid        PRIMARY KEY,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tenancy.configuration (
    id                          uuid        PRIMARY KEY,
    tenant_id                   uuid        NOT NULL REFERENCES tenancy.tenant (id) ON DELETE CASCADE,
    name                        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- the random path segment of the callback URL; unique platform-wide
    callback_key                text        NOT NULL UNIQUE,
    secret_ciphertext           bytea       NOT NULL,
    previous_secret_ciphertext  bytea,
    previous_secret_valid_until timestamptz,
    -- AXP's Configuration Id tells which tenant an app's registration belongs to: unique platform-wide
    axp_configuration_id        text        UNIQUE,
    enabled                     boolean     NOT NULL DEFAULT true,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX configuration_tenant_idx ON tenancy.configuration (tenant_id);
