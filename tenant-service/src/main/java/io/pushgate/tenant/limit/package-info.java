/**
 * Rate limits (bucket4j): the buckets of the control plane's limits, in process ({@code local}) or
 * shared in Redis ({@code redis}, {@code pushgate.limits.backend}) with a local fallback at each
 * instance's share; their metrics and the {@code RateLimit-*} headers.
 */
package io.pushgate.tenant.limit;
