-- The dashboard's per-minute rollup (package stats, issue 14): per tenant, configuration and minute,
-- the callbacks by answer, the notifications by final status, the accept -> provider latency as a
-- histogram, and the registrations removed as dead and active. Exact counts gathered in memory by
-- each instance and added here every few seconds with one grouped upsert (columns add up, the
-- histograms add up bucket by bucket); GET /v1/stats/series reads it. The retention pass drops
-- minutes older than pushgate.retention.stats.
CREATE TABLE delivery.stats_minute (
    tenant_id                        uuid        NOT NULL,
    configuration_id                 uuid        NOT NULL,
    minute                           timestamptz NOT NULL CHECK (minute = date_bin('1 minute', minute, 'epoch')),
    callbacks_accepted               bigint      NOT NULL DEFAULT 0,
    callbacks_duplicate              bigint      NOT NULL DEFAULT 0,
    -- refused callbacks by RefusalReason (its code with '-' as '_')
    refused_signature_missing        bigint      NOT NULL DEFAULT 0,
    refused_signature_malformed      bigint      NOT NULL DEFAULT 0,
    refused_signature_mismatch       bigint      NOT NULL DEFAULT 0,
    refused_signature_expired_secret bigint      NOT NULL DEFAULT 0,
    refused_configuration_disabled   bigint      NOT NULL DEFAULT 0,
    refused_unsupported_media_type   bigint      NOT NULL DEFAULT 0,
    refused_malformed_event          bigint      NOT NULL DEFAULT 0,
    refused_too_large                bigint      NOT NULL DEFAULT 0,
    -- notifications that ended in this minute, by their final NotificationStatus
    notifications_delivered          bigint      NOT NULL DEFAULT 0,
    notifications_no_device          bigint      NOT NULL DEFAULT 0,
    notifications_token_invalid      bigint      NOT NULL DEFAULT 0,
    notifications_failed             bigint      NOT NULL DEFAULT 0,
    notifications_expired            bigint      NOT NULL DEFAULT 0,
    -- delivered notifications by accept -> provider latency: element i (from 1) counts the latencies
    -- in stats.LatencyHistogram's bucket i-1 (fixed log-scale bounds); trailing empty buckets left out
    latency_buckets                  bigint[]    NOT NULL DEFAULT '{}',
    -- registrations invalidated because the provider rejected their token
    registrations_removed_dead       bigint      NOT NULL DEFAULT 0,
    -- a sample of the configuration's active registrations in this minute (NULL: none taken here);
    -- written when it changed, and at least hourly
    registrations_active             bigint,
    PRIMARY KEY (tenant_id, configuration_id, minute)
);
-- the retention pass drops old minutes
CREATE INDEX stats_minute_minute_idx ON delivery.stats_minute (minute);

-- Element-wise sum of two count arrays of any lengths (a missing element counts 0).
CREATE FUNCTION delivery.add_counts(a bigint[], b bigint[]) RETURNS bigint[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i), '{}')
      FROM unnest(a, b) WITH ORDINALITY AS t(x, y, i)
$$;

-- The element-wise sum of many count arrays: the merge of histograms across minutes and instances.
CREATE AGGREGATE delivery.sum_counts(bigint[]) (
    SFUNC = delivery.add_counts,
    STYPE = bigint[],
    INITCOND = '{}'
);
