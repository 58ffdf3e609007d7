-- The dashboard's count of each configuration's active registrations, kept as it changes (issue 16)
-- instead of counted from delivery.registration every minute: on ten million registrations a count of
-- the table was seconds of a core each time, and it showed in the callbacks' tails
-- (docs/PERFORMANCE.md, "The big store's stall, found"). Package registration's ActiveRegistrations
-- says how it is kept:
--   * each registration written, deleted or invalidated is +1 or -1 in the writing instance's memory,
--     added here every pushgate.stats.flush-interval (active = active + the change);
--   * the registrations whose expiry passed since expired_through are subtracted, and expired_through
--     moved on, every pushgate.stats.registrations-interval by one instance (registration_expires_idx:
--     a minute's expiries, not the table);
--   * every pushgate.stats.registrations-recount the table is counted again, slice by slice and paced,
--     and each count corrected by what it was found to be off (a process killed with changes not
--     added yet, a registration changed in two places at once, a row written by hand).
CREATE TABLE delivery.registration_count (
    tenant_id        uuid   NOT NULL,
    configuration_id uuid   NOT NULL,
    -- not invalidated, and expiring after expired_through (below)
    active           bigint NOT NULL,
    PRIMARY KEY (tenant_id, configuration_id)
) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);

-- expired_through: the time up to which expiries have been subtracted from the counts (a registration
-- that expires later is still counted); recounted_at: when the table was last counted again
CREATE TABLE delivery.registration_count_state (
    name text        PRIMARY KEY CHECK (name IN ('expired_through', 'recounted_at')),
    at   timestamptz NOT NULL
);

-- the first counts (one read of the table: seconds on ten million registrations), as of the
-- migration's transaction
INSERT INTO delivery.registration_count_state (name, at) VALUES ('expired_through', now()), ('recounted_at', now());
INSERT INTO delivery.registration_count (tenant_id, configuration_id, active)
SELECT tenant_id, configuration_id, count(*)
  FROM delivery.registration
 WHERE invalidated_at IS NULL AND expires_at > now()
 GROUP BY tenant_id, configuration_id;
