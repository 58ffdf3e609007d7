-- The read API's filter by session (GET /v1/notifications?sessionId=…) for a big tenant (issue 16):
-- without it the filter walks the tenant's (tenant_id, received_at) index over every day it keeps,
-- ten million rows for a tenant of that size, to find a session's few notifications
-- (docs/PERFORMANCE.md, "The 50-million-row data set": 9.6-15 s over six days of two million rows
-- a day for a tenant with a third of a million a day, before; 0.2-2 ms after). The order matches the
-- list's, so a page is read in order and stops at its limit. It costs every notification insert one
-- more index entry (not measured: the ingress comparison needs an idle machine).
--
-- Created on the partitioned table: PostgreSQL builds it on every partition now (holding each
-- partition's SHARE lock while it builds: inserts wait, so upgrade a large store in a quiet hour) and
-- on each partition attached later (delivery.create_day_partitions attaches empty tables).
CREATE INDEX notification_tenant_session_idx
    ON delivery.notification (tenant_id, session_id, received_at DESC, id DESC);

-- Autovacuum of delivery.registration. Maintenance deletes expired and invalidated registrations
-- every hour; each PUT of the registration API updates a row. Measured on 10 million registrations
-- (docs/PERFORMANCE.md): a prune of 500,000 (5 %) left 500,000 dead tuples that autovacuum did not
-- touch, since the default threshold is 50 + 20 % of the table (1.9 million here): with a thirtieth of
-- the registrations expiring a day, dead tuples would pile up for about six days in its eight
-- indexes, which every look-up of a session walks. 2 % starts vacuum after about 190,000, within a
-- day's prunes; analyze follows the same share so that the prune's index choice stays informed.
ALTER TABLE delivery.registration SET (
    autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.02);
