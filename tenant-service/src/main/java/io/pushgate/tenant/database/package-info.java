/**
 * tenant-service's sessions of its own on the PostgreSQL server ({@link
 * io.pushgate.database.ServerConnections}), past a transaction-mode pooler.
 */
package io.pushgate.tenant.database;
