/** What needs a tenant's attention now, each item with what to do: {@code GET /v1/attention}. */
package io.pushgate.delivery.attention;
