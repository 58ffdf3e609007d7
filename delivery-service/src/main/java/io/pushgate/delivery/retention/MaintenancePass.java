package io.pushgate.delivery.retention;

import java.util.List;

/**
 * What one maintenance pass did. A pass that found another instance's under way did nothing ({@code
 * ran} false).
 *
 * @param created the partitions created (notification's and attempt's, by name)
 * @param dropped the partitions dropped
 * @param kept the partitions past retention kept because a notification in them can still be delivered
 * @param expired the notifications past the hot partitions that an outage left unfinished, now expired
 * @param dedupPruned the dedup keys older than the dedup window, now forgotten
 * @param statsPruned the dashboard's rollup minutes older than its retention, now deleted
 */
record MaintenancePass(
        boolean ran,
        List<String> created,
        List<String> dropped,
        List<String> kept,
        long expired,
        long dedupPruned,
        long statsPruned) {

    static MaintenancePass skipped() {
        return new MaintenancePass(false, List.of(), List.of(), List.of(), 0, 0, 0);
    }
}
