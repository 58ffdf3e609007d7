package io.pushgate.tenant.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.tenant.Api;
import io.pushgate.tenant.ControlPlaneTest;
import io.pushgate.tenant.ManualClock;
import io.pushgate.tenant.audit.AuditLog;
import io.pushgate.tenant.token.TokenSettings;
import io.pushgate.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Refresh-token families that can no longer refresh are deleted with their tokens once they have
 * been dead for the absolute lifetime (12 h) more, on a clock the test sets; one instance prunes at
 * a time (the advisory lock). Every test's families lie years back, far from the others'.
 */
@ControlPlaneTest
class RefreshTokenPruningIntegrationTests {

    @Autowired
    Api api;

    @Autowired
    DatabaseClient db;

    @Autowired
    TransactionalOperator tx;

    @Autowired
    AuditLog audit;

    @Autowired
    RefreshTokenPruning pruning;

    @Autowired
    TokenSettings settings;

    @Test
    void familiesDeadForLongerThanTheGraceAreDeletedWithTheirTokensOnly() throws Exception {
        Api.Tenant tenant = api.tenant();
        Instant now = Instant.parse("2020-01-10T12:00:00Z");
        ManualClock clock = new ManualClock(now);
        RefreshTokens tokens = new RefreshTokens(db, tx, settings, audit, clock);
        // Made newest first: a sign-in deletes at once its member's families older than the lifetime
        // before it, so an older family made earlier would be gone before the pass.
        // alive
        clock.now = now.minus(Duration.ofMinutes(5));
        tokens.start(tenant.tenantId(), tenant.memberId()).block();
        // idle (30 min) since 1 h 30 min: dead, but within the grace
        clock.now = now.minus(Duration.ofHours(2));
        tokens.start(tenant.tenantId(), tenant.memberId()).block();
        // revoked an hour ago
        String revokedRecently =
                tokens.start(tenant.tenantId(), tenant.memberId()).block();
        // revoked 12 h 10 min ago, its token issued 12 h 20 min ago (not idle for longer than the grace)
        clock.now = now.minus(Duration.ofMinutes(12 * 60 + 20));
        String revokedLongAgo =
                tokens.start(tenant.tenantId(), tenant.memberId()).block();
        clock.now = now.minus(Duration.ofMinutes(12 * 60 + 10));
        tokens.revoke(revokedLongAgo, null).block();
        // idle since 12 h 25 min
        clock.now = now.minus(Duration.ofMinutes(12 * 60 + 55));
        tokens.start(tenant.tenantId(), tenant.memberId()).block();
        // past its 12 h lifetime for 13 h
        clock.now = now.minus(Duration.ofHours(25));
        tokens.start(tenant.tenantId(), tenant.memberId()).block();
        clock.now = now.minus(Duration.ofHours(1));
        tokens.revoke(revokedRecently, null).block();
        long before = families(tenant);

        RefreshTokenPruning.Pruned pruned = pruning.runOnce(now).block();

        assertThat(pruned.ran()).isTrue();
        assertThat(pruned.families()).isGreaterThanOrEqualTo(3);
        // three of the test's six go; the sign-in of api.tenant() (today) is alive at that time too
        assertThat(families(tenant)).isEqualTo(before - 3).isEqualTo(4);
        assertThat(count("SELECT count(*) FROM tenancy.refresh_token t JOIN tenancy.refresh_family f"
                        + " ON f.id = t.family_id WHERE f.member_id = '" + tenant.memberId() + "'"))
                .isEqualTo(4);
        assertThat(count("SELECT count(*) FROM tenancy.refresh_token t WHERE NOT EXISTS"
                        + " (SELECT 1 FROM tenancy.refresh_family f WHERE f.id = t.family_id)"))
                .isZero();
    }

    @Test
    void anotherInstancesPassHoldingTheLockLeavesThisOneNothingToDo() throws Exception {
        Api.Tenant tenant = api.tenant();
        Instant now = Instant.parse("2020-03-10T12:00:00Z");
        ManualClock clock = new ManualClock(now.minus(Duration.ofDays(3)));
        new RefreshTokens(db, tx, settings, audit, clock)
                .start(tenant.tenantId(), tenant.memberId())
                .block();
        long before = families(tenant);
        try (Connection other = TestDatabase.get().connect()) {
            try (var lock = other.prepareStatement("SELECT pg_advisory_lock(hashtext(?))")) {
                lock.setString(1, RefreshTokenPruning.LOCK_NAME);
                lock.execute();
            }

            RefreshTokenPruning.Pruned skipped = pruning.runOnce(now).block();

            assertThat(skipped.ran()).isFalse();
            assertThat(families(tenant)).isEqualTo(before);
            try (var unlock = other.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
                unlock.setString(1, RefreshTokenPruning.LOCK_NAME);
                unlock.execute();
            }
        }
        // the other instance's pass is over: this instance's next pass prunes
        assertThat(pruning.runOnce(now).block().ran()).isTrue();
        assertThat(families(tenant)).isEqualTo(before - 1);
    }

    private static long families(Api.Tenant tenant) throws SQLException {
        return count("SELECT count(*) FROM tenancy.refresh_family WHERE member_id = '" + tenant.memberId() + "'");
    }

    private static long count(String sql) throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var rows = connection.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
