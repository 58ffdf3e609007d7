/** The database's state as this instance sees it, for metrics: readiness deliberately leaves it out. */
package io.pushgate.delivery.health;
