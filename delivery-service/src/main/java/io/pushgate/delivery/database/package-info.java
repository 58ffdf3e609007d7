/** What several parts of delivery-service need from PostgreSQL itself: one instance at a time across the database. */
package io.pushgate.delivery.database;
