-- Members' refresh tokens (POST /v1/auth/refresh). A sign-in starts a family; each refresh spends
-- its token and adds the next one to the same family. A spent token presented again revokes the
-- whole family. Only the SHA-256 of each 256-bit random token is stored, never the token.
CREATE TABLE tenancy.refresh_family (
    id         uuid        PRIMARY KEY,
    tenant_id  uuid        NOT NULL REFERENCES tenancy.tenant (id) ON DELETE CASCADE,
    -- a removed member's families go with it: their tokens are unknown from then on
    member_id  uuid        NOT NULL REFERENCES tenancy.member (id) ON DELETE CASCADE,
    -- the sign-in: the family's absolute lifetime counts from here
    started_at timestamptz NOT NULL,
    -- sign-out, a replayed token: no token of the family refreshes any more
    revoked_at timestamptz
);
CREATE INDEX refresh_family_member_idx ON tenancy.refresh_family (member_id, started_at);

CREATE TABLE tenancy.refresh_token (
    token_hash bytea       PRIMARY KEY CHECK (length(token_hash) = 32),
    family_id  uuid        NOT NULL REFERENCES tenancy.refresh_family (id) ON DELETE CASCADE,
    -- the idle timeout counts from here
    issued_at  timestamptz NOT NULL,
    -- set when the token is exchanged for the next one; it never refreshes again
    spent_at   timestamptz
);
CREATE INDEX refresh_token_family_idx ON tenancy.refresh_token (family_id);
