/** What a tenant may read about its deliveries: notifications with their attempts, and delivery statistics. */
package io.pushgate.delivery.readapi;
