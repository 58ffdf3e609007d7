package io.pushgate.delivery.retention;

import java.util.List;

/**
 * What one maintenance pass did. A pass that found another instance's under way did nothing ({@code
 * ran} false).
 *
 * @param created the partitions created (notification's and attempt's, by name)
 * @param dropped the partitions dropped
 * @param kept the partitions past retention kept because a notification in them can still be delivered
 * @param indexed the cold notification partitions given their {@code (tenant_id, event_id)} index
 * @param expired the notifications past the hot partitions that an outage left unfinished, now expired
 * @param shortened the finished notifications deleted because their tenant's plan keeps them fewer
 *     days than the platform
 * @param dedupPruned the dedup keys older than the dedup window, now forgotten
 * @param registrationsPruned the registrations expired or invalidated longer than {@code
 *     pushgate.registration.retention} ago, now deleted
 * @param resendsPruned the re-send records older than the retention, now deleted
 * @param statsPruned the dashboard's rollup minutes older than its retention, now deleted
 */
record MaintenancePass(
        boolean ran,
        List<String> created,
        List<String> dropped,
        List<String> kept,
        List<String> indexed,
        long expired,
        long shortened,
        long dedupPruned,
        long registrationsPruned,
        long resendsPruned,
        long statsPruned) {

    static MaintenancePass skipped() {
        return new MaintenancePass(false, List.of(), List.of(), List.of(), List.of(), 0, 0, 0, 0, 0, 0);
    }
}
