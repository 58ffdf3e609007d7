/** The AXP callback ingress: {@code POST /axp/callbacks/{callbackKey}}, verified, durable, idempotent. */
package io.pushgate.delivery.callback;
