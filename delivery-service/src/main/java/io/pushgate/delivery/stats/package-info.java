/**
 * The dashboard's per-minute rollup ({@code delivery.stats_minute}): counts gathered in memory by the
 * callback path and the dispatcher, flushed in batches, and read as a series by {@code GET
 * /v1/stats/series}.
 */
package io.pushgate.delivery.stats;
