/** The durable inbox of AXP events: a row per event, written (group-committed) before AXP gets its answer. */
package io.pushgate.delivery.notification;
