/**
 * Where delivery-service's database is ({@code pushgate.db.*}), and its sessions of its own on the
 * server ({@link io.pushgate.database.ServerConnections}): the {@code LISTEN} connection, the
 * maintenance pass's and the dashboard count's advisory locks.
 */
package io.pushgate.delivery.database;
