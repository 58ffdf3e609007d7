-- What a tenant sees of its callbacks (package callbacklog): the last refused ones of each
-- configuration, and which secret verified the others since the last rotation.

-- A sample of the refused callbacks, written in batches off the callback path and trimmed to the
-- newest few per configuration. Never the signature, never the body: for a malformed event only the
-- name of the field at fault.
CREATE TABLE delivery.refused_callback (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id        uuid        NOT NULL,
    configuration_id uuid        NOT NULL,
    at               timestamptz NOT NULL,
    -- the client's address as the trusted-proxies filter decided it
    source_ip        text        CHECK (length(source_ip) <= 45),
    reason           text        NOT NULL
        CHECK (reason IN ('signature-missing', 'signature-malformed', 'signature-mismatch',
                          'signature-expired-secret', 'configuration-disabled', 'unsupported-media-type',
                          'malformed-event', 'too-large')),
    field            text        CHECK (length(field) <= 64)
);
-- a configuration's refused callbacks, newest first (keyset paging and the trim)
CREATE INDEX refused_callback_configuration_idx ON delivery.refused_callback (configuration_id, at DESC, id DESC);

-- Callbacks verified by the current and by the previous secret, per configuration and rotation: a
-- rotation is told by its previous secret's end (previous_valid_until, '-infinity' while there is no
-- previous secret). Exact counts, added up in memory and flushed in batches.
CREATE TABLE delivery.secret_usage (
    configuration_id     uuid        NOT NULL,
    tenant_id            uuid        NOT NULL,
    previous_valid_until timestamptz NOT NULL,
    current_count        bigint      NOT NULL DEFAULT 0 CHECK (current_count >= 0),
    previous_count       bigint      NOT NULL DEFAULT 0 CHECK (previous_count >= 0),
    last_previous_at     timestamptz,
    PRIMARY KEY (configuration_id, previous_valid_until)
);
