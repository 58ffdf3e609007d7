package io.pushgate.delivery.database;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the database is ({@code pushgate.db.*}; {@code spring.r2dbc} and {@code spring.flyway} are
 * made from it in {@code delivery-service.yml}).
 *
 * @param url libpq-style {@code postgresql://host:port/database}: the pool's connections, which may
 *     go through a transaction-mode pooler such as PgBouncer
 * @param directUrl the server itself, for what such a pooler cannot carry ({@link
 *     io.pushgate.database.ServerConnections}):
 *     the {@code LISTEN} connection (a notification reaches only the session that listens), the
 *     session-level advisory locks and the migrations' session lock; empty or equal to {@code url}
 *     when there is no pooler
 * @param user the database user
 * @param password its password
 */
@ConfigurationProperties("pushgate.db")
record DatabaseSettings(
        @DefaultValue("postgresql://localhost:5432/pushgate")
        String url,

        @DefaultValue("") String directUrl,
        @DefaultValue("postgres") String user,
        @DefaultValue("") String password) {}
