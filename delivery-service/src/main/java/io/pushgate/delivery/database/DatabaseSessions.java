package io.pushgate.delivery.database;

import io.pushgate.database.ServerConnections;
import io.r2dbc.spi.ConnectionFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The sessions of delivery-service's own on the server: its {@code LISTEN} and its advisory locks. */
@Configuration(proxyBeanMethods = false)
class DatabaseSessions {

    @Bean
    ServerConnections serverConnections(ConnectionFactory pool, DatabaseSettings database) {
        return new ServerConnections(pool, database.url(), database.directUrl(), database.user(), database.password());
    }
}
