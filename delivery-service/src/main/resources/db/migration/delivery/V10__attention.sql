-- What needs a tenant's attention (GET /v1/attention): the attempts a provider refused, found by tenant
-- and time without reading the delivered ones. Partial, so that the hot path's delivered attempts
-- never write it; a failed attempt is rare. Built on each day's partition as it is attached.
CREATE INDEX attempt_failed_idx ON delivery.attempt (tenant_id, at) WHERE outcome = 'failed';
-- the tenant's refused callbacks since a time, across its configurations
CREATE INDEX refused_callback_tenant_idx ON delivery.refused_callback (tenant_id, at DESC);
