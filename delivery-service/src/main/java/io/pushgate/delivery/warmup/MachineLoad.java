package io.pushgate.delivery.warmup;

import java.lang.management.ManagementFactory;
import java.util.OptionalDouble;

/**
 * How much of the machine's CPU processes other than this one have used lately: what the warm-up
 * reads to give way on a machine that is busy serving (see {@code pushgate.warmup.yield-above}).
 */
@FunctionalInterface
interface MachineLoad {

    /**
     * The share, from 0 to 1, of the machine's CPU that other processes used since the last reading;
     * empty when the platform does not say. The first reading covers no interval worth the name.
     */
    OptionalDouble othersShare();

    /**
     * The JVM's own reading: the operating environment's CPU use less this process's ({@code
     * com.sun.management.OperatingSystemMXBean}; on Linux from {@code /proc/stat}, and in a container
     * from its cgroup — there the other processes are those of the container only).
     */
    static MachineLoad ofThisMachine() {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)) {
            return OptionalDouble::empty;
        }
        return () -> {
            double machine = os.getCpuLoad();
            double process = os.getProcessCpuLoad();
            if (machine < 0 || process < 0) {
                return OptionalDouble.empty();
            }
            return OptionalDouble.of(Math.max(0, Math.min(1, machine - process)));
        };
    }
}
