-- Re-sending a notification that ended without reaching the device (issue 14): the owner or admin's
-- POST /v1/notifications/{id}:resend puts it back in the outbox with a fresh delivery window.
-- (Plain columns and a plain table, no foreign key: the notification tables may be partitioned.)

-- when the last re-send was asked for: the delivery window counts from here instead of received_at
ALTER TABLE delivery.notification ADD COLUMN resent_at timestamptz;

-- the audit of re-sends (delivery-service has no audit log of its own, and tenancy.audit_event is
-- tenant-service's): append-only, one row per re-send that was accepted
CREATE TABLE delivery.resend (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id uuid        NOT NULL,
    tenant_id       uuid        NOT NULL,
    requested_by    text        NOT NULL,
    previous_status text        NOT NULL,
    requested_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX resend_notification_idx ON delivery.resend (notification_id, id);
