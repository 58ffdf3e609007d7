/**
 * What every feature of tenant-service shares: the {@code Caller} of a request (a handler argument),
 * {@code ApiRejected} answers, field checks, paging, change events for delivery-service, device
 * platforms, the platform settings and beans.
 */
package io.pushgate.tenant.platform;
