/** A provider credential's connection test, {@code POST /v1/credentials/{id}:test}: the provider's answer in words a tenant understands. */
package io.pushgate.delivery.credential;
