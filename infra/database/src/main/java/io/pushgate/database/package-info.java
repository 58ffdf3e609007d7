/**
 * What tenant-service and delivery-service do on a PostgreSQL session of their own rather than on a
 * connection of their pool: a {@code LISTEN}, a session-level advisory lock. Such a session must be
 * the server's own, past a transaction-mode pooler ({@link io.pushgate.database.ServerConnections}).
 */
package io.pushgate.database;
