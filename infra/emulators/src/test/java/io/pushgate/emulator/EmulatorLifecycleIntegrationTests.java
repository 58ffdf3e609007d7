package io.pushgate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Both emulators give back their port and threads when closed. */
class EmulatorLifecycleIntegrationTests {

    @Test
    void theFcmEmulatorReleasesItsPortAndThreads() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        FcmEmulator emulator = FcmEmulator.start();
        int port = emulator.port();

        emulator.close();

        assertThat(canBind(port)).isTrue();
        assertThat(newThreadsAfter(before)).isEmpty();
    }

    @Test
    void theApnsEmulatorReleasesItsPortAndThreads() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        ApnsEmulator emulator = ApnsEmulator.start();
        int port = emulator.port();

        emulator.close();

        assertThat(canBind(port)).isTrue();
        assertThat(newThreadsAfter(before)).isEmpty();
    }

    /** Threads started since {@code before} that are still alive once they had time to finish. */
    private static Set<String> newThreadsAfter(Set<Thread> before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Set<Thread> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> !before.contains(thread) && thread.isAlive())
                    // JDK and Netty-global helpers that live for the whole JVM
                    .filter(thread -> !thread.getName().startsWith("globalEventExecutor")
                            && !thread.getName().startsWith("ObjectCleanerThread")
                            && !thread.getName().startsWith("Common-Cleaner")
                            && !thread.getName().startsWith("process reaper"))
                    .collect(Collectors.toSet());
            if (!left.isEmpty()) {
                Thread.sleep(50);
            }
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        return left.stream().map(Thread::getName).collect(Collectors.toSet());
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0"))) {
            return socket.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }
}
