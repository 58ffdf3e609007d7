/** Delivery of accepted notifications: dispatch after commit, leases and the sweeper, retries, outcomes and their metrics. */
package io.pushgate.delivery.dispatch;
