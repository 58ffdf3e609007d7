-- A tenant's plan may shorten how long delivery-service keeps its notifications and attempts
-- (issue 16). NULL: the platform's retention (pushgate.retention.notifications), which is also the
-- most a plan may give; the operator's API checks that bound, the database only the sign.
ALTER TABLE tenancy.plan ADD COLUMN retention_days integer CHECK (retention_days > 0);
