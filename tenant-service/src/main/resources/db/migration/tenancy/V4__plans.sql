-- A tenant's plan: the rates the platform grants it (io.pushgate.api.Plan). Changed by the platform
-- operator only (PUT /v1/operator/tenants/{tenantId}/plan). A tenant without a row has the default
-- plan (Plan.DEFAULT, version 0): defaults live in code so that raising them reaches every tenant
-- that was never given a plan of its own. version grows by one with every change; delivery-service
-- replaces a tenant's buckets when it sees a new one.

CREATE TABLE tenancy.plan (
    tenant_id                            uuid        PRIMARY KEY REFERENCES tenancy.tenant (id) ON DELETE CASCADE,
    callbacks_per_second                 bigint      NOT NULL CHECK (callbacks_per_second > 0),
    callback_burst                       bigint      NOT NULL CHECK (callback_burst >= callbacks_per_second),
    registrations_per_second             bigint      NOT NULL CHECK (registrations_per_second > 0),
    api_calls_per_second                 bigint      NOT NULL CHECK (api_calls_per_second > 0),
    deliveries_per_second_per_credential bigint      NOT NULL CHECK (deliveries_per_second_per_credential > 0),
    version                              bigint      NOT NULL CHECK (version > 0),
    updated_at                           timestamptz NOT NULL DEFAULT now()
);
