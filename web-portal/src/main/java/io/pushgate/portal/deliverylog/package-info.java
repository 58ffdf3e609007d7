/** The delivery log: the tenant's notifications, live, each with its attempts, and the re-send. */
package io.pushgate.portal.deliverylog;
