/** The dashboard: the tenant's callbacks, deliveries, latency and registrations as charts over time. */
package io.pushgate.portal.dashboard;
