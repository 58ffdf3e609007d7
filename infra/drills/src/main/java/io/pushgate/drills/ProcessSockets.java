package io.pushgate.drills;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The local ports of a process's TCP connections to a given remote port, read from Linux's {@code
 * /proc} (the process's socket inodes in {@code /proc/<pid>/fd}, their addresses in {@code
 * /proc/net/tcp} and {@code tcp6}): how a drill tells which of PostgreSQL's sessions belong to the
 * instance it is about to kill ({@code pg_stat_activity.client_port}). Empty where there is no
 * {@code /proc}.
 */
final class ProcessSockets {

    private ProcessSockets() {}

    static Set<Integer> localPortsTo(long pid, int remotePort) {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed while we read the folder
                }
            }
        } catch (IOException noSuchProcess) {
            return Set.of();
        }
        Set<Integer> ports = new TreeSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException absent) {
                continue;
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] columns = line.trim().split("\\s+");
                if (columns.length < 10 || !inodes.contains(columns[9])) {
                    continue;
                }
                int local = port(columns[1]);
                int remote = port(columns[2]);
                if (remote == remotePort) {
                    ports.add(local);
                }
            }
        }
        return ports;
    }

    /** The port of an address as /proc writes it: hex address, ':', hex port. */
    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
    }
}
