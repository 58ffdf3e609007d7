/** The read model of the control plane's AXP configurations and tenants' plans: caches evicted by PostgreSQL NOTIFY. */
package io.pushgate.delivery.configuration;
