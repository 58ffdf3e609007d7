package io.pushgate.tenant.database;

import io.pushgate.database.ServerConnections;
import io.r2dbc.spi.ConnectionFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The sessions of tenant-service's own on the server ({@code pushgate.db.direct-url} past a
 * transaction-mode pooler): the refresh-token pruning's advisory lock.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseSessions {

    @Bean
    ServerConnections serverConnections(
            ConnectionFactory pool,
            @Value("${pushgate.db.url}") String url,
            @Value("${pushgate.db.direct-url}") String directUrl,
            @Value("${pushgate.db.user}") String user,
            @Value("${pushgate.db.password}") String password) {
        return new ServerConnections(pool, url, directUrl, user, password);
    }
}
