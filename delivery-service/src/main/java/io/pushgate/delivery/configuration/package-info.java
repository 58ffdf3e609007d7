/** The read model of the control plane's AXP configurations: a cache evicted by PostgreSQL NOTIFY. */
package io.pushgate.delivery.configuration;
