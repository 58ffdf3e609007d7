package io.pushgate.delivery.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.database.AdvisoryLock;
import io.pushgate.database.ServerConnections;
import io.pushgate.delivery.DeliveryServiceTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import reactor.core.publisher.Mono;

/**
 * With {@code pushgate.db.direct-url} naming another address than {@code pushgate.db.url} (the server
 * itself behind a transaction-mode PgBouncer), an advisory lock — the maintenance pass's, the
 * dashboard count's — is held on a session of the direct URL, never on the pool's: through such a
 * pooler, the lock would stay behind on whatever server connection ran the statement, and the next
 * pass would never get it. The two URLs differ here by an application name, which PostgreSQL shows per
 * session (the same context as {@code ListenPastPoolerIntegrationTests}).
 */
@DeliveryServiceTest(properties = "pushgate.db.direct-url=${pushgate.db.url}?applicationName=pushgate-direct")
class ServerConnectionsIntegrationTests {

    private static final String HOLDER = """
            SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.granted AND l.objid::int = hashtext($1)""";

    @Autowired
    ServerConnections server;

    @Test
    void anAdvisoryLockIsHeldOnTheDirectUrlAndExcludesASecondHolder() {
        String name = "pushgate.test.server-connections";
        AdvisoryLock lock = server.lock(name);

        String seen = lock.whileHeld(
                        session -> session.sql(HOLDER)
                                .bind(0, name)
                                .map((row, metadata) -> row.get(0, String.class))
                                .one()
                                .zipWith(lock.whileHeld(other -> Mono.just("also held"), Mono.just("refused")))
                                .map(both -> both.getT1() + ", then " + both.getT2()),
                        Mono.just("not locked"))
                .block(Duration.ofSeconds(10));

        assertThat(seen).isEqualTo("pushgate-direct, then refused");
    }
}
