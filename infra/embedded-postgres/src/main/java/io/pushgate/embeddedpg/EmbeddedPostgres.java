package io.pushgate.embeddedpg;

import com.sun.security.auth.module.UnixSystem;
import io.zonky.test.db.postgres.util.ArchUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server run from zonky's binaries, owned by this process.
 *
 * <p>The data directory is the caller's and survives restarts. PostgreSQL refuses to run as root;
 * when this process is root the server runs inside a user namespace ({@code unshare -U}) where it
 * is not, so {@code ./pushgate up} works on machines where everything runs as root.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    /** The superuser that {@code initdb} creates; it signs in with its password (SCRAM-SHA-256). */
    public static final String SUPERUSER = "postgres";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);
    private static final String HOST = "127.0.0.1";
    private static final int START_TIMEOUT_SECONDS = 60;
    private static final Pattern FATAL = Pattern.compile("(?:FATAL|PANIC):\\s*(.*)");

    private final PostgresBinaries binaries;
    private final Path dataDirectory;
    private final int port;
    private final String password;
    private volatile boolean running = true;

    private EmbeddedPostgres(PostgresBinaries binaries, Path dataDirectory, int port, String password) {
        this.binaries = binaries;
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.password = password;
    }

    /**
     * Starts a server on {@code dataDirectory}, creating the cluster when the directory is empty or
     * absent, on a free port of 127.0.0.1.
     *
     * @param fsync {@code false} only for throw-away test clusters
     * @param password the {@link #SUPERUSER}'s password, set when the cluster is created: the
     *     server listens on 127.0.0.1 only, but other users of the machine must not get in
     * @throws EmbeddedPostgresException with a one-line reason when the directory is not a usable
     *     cluster or the server does not start
     */
    public static EmbeddedPostgres start(Path dataDirectory, Path logFile, boolean fsync, String password) {
        return start(dataDirectory, logFile, fsync, password, 0);
    }

    /**
     * The same on {@code port} of 127.0.0.1 ({@code 0}: a free one): a server stopped with {@link
     * #close()} can be started again where its clients look for it, as a database restart does.
     */
    public static EmbeddedPostgres start(Path dataDirectory, Path logFile, boolean fsync, String password, int port) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(logFile, "logFile");
        PostgresBinaries binaries = PostgresBinaries.extracted();
        Path data = dataDirectory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            if (isEmpty(data)) {
                initdb(binaries, data, password);
            } else {
                checkIsCluster(binaries, data);
                stopLeftoverServer(binaries, data);
            }
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot prepare " + data + ": " + e.getMessage(), e);
        }
        int chosen = port == 0 ? freePort() : port;
        String options = String.join(
                " ",
                "-p " + chosen,
                "-c listen_addresses=" + HOST,
                "-c unix_socket_directories=''",
                "-c fsync=" + (fsync ? "on" : "off"),
                "-c max_connections=200");
        ProcessResult started = run(
                binaries,
                binaries.bin("pg_ctl").toString(),
                "start",
                "-w",
                "-t",
                Integer.toString(START_TIMEOUT_SECONDS),
                "-D",
                data.toString(),
                "-l",
                logFile.toAbsolutePath().toString(),
                "-o",
                options);
        if (started.exitCode() != 0) {
            throw new EmbeddedPostgresException("embedded PostgreSQL did not start: "
                    + lastFatalLine(logFile).orElse(started.lastLine()) + " (log: " + logFile + ")");
        }
        log.info("Embedded PostgreSQL {} started on {}:{} with data in {}", binaries.version(), HOST, chosen, data);
        return new EmbeddedPostgres(binaries, data, chosen, password);
    }

    public int port() {
        return port;
    }

    public String password() {
        return password;
    }

    /** A libpq-style URL ({@code postgresql://host:port/database}) for the given database. */
    public String url(String database) {
        return "postgresql://" + HOST + ":" + port + "/" + database;
    }

    /** Creates {@code database} unless it exists already. */
    public void createDatabaseIfMissing(String database) {
        if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain database name: " + database);
        }
        try (var connection = DriverManager.getConnection("jdbc:" + url("postgres"), SUPERUSER, password);
                var exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (var rows = exists.executeQuery()) {
                if (!rows.next()) {
                    try (var create = connection.createStatement()) {
                        create.execute("CREATE DATABASE " + database);
                    }
                }
            }
        } catch (SQLException e) {
            throw new EmbeddedPostgresException("cannot create database " + database + ": " + e.getMessage(), e);
        }
    }

    /** Stops the server (fast shutdown: open sessions are ended, committed data is kept). */
    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        ProcessResult stopped = run(
                binaries,
                binaries.bin("pg_ctl").toString(),
                "stop",
                "-w",
                "-m",
                "fast",
                "-t",
                Integer.toString(START_TIMEOUT_SECONDS),
                "-D",
                dataDirectory.toString());
        if (stopped.exitCode() != 0) {
            log.warn("Embedded PostgreSQL did not stop cleanly: {}", stopped.lastLine());
        } else {
            log.info("Embedded PostgreSQL stopped");
        }
    }

    private static boolean isEmpty(Path data) throws IOException {
        if (!Files.exists(data)) {
            return true;
        }
        if (!Files.isDirectory(data)) {
            throw new EmbeddedPostgresException(data + " is not a directory");
        }
        try (var entries = Files.list(data)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void initdb(PostgresBinaries binaries, Path data, String password) throws IOException {
        Files.createDirectories(data);
        Path passwordFile = Files.createTempFile(
                "pushgate-pg",
                ".pw",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(passwordFile, password);
        ProcessResult result;
        try {
            result = run(
                    binaries,
                    binaries.bin("initdb").toString(),
                    "-D",
                    data.toString(),
                    "-U",
                    SUPERUSER,
                    "-A",
                    "scram-sha-256",
                    "--pwfile=" + passwordFile,
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-instructions");
        } finally {
            Files.delete(passwordFile);
        }
        if (result.exitCode() != 0) {
            throw new EmbeddedPostgresException(
                    "cannot create a PostgreSQL cluster in " + data + ": " + result.lastLine());
        }
    }

    private static void checkIsCluster(PostgresBinaries binaries, Path data) throws IOException {
        Path versionFile = data.resolve("PG_VERSION");
        if (!Files.isRegularFile(versionFile)) {
            throw new EmbeddedPostgresException(
                    data + " is not a PostgreSQL data directory (no PG_VERSION); move it away or point the data"
                            + " directory elsewhere");
        }
        String clusterVersion = Files.readString(versionFile).strip();
        if (!clusterVersion.matches("[0-9]{1,2}(\\.[0-9]{1,2})?")) {
            throw new EmbeddedPostgresException(
                    data + " is not a PostgreSQL data directory (its PG_VERSION is damaged);"
                            + " move it away or point the data directory elsewhere");
        }
        if (!clusterVersion.equals(binaries.majorVersion())) {
            throw new EmbeddedPostgresException(data + " was created by PostgreSQL " + clusterVersion
                    + " but this build runs PostgreSQL " + binaries.majorVersion()
                    + "; dump it with that version or point the data directory elsewhere");
        }
    }

    /** A server left running by a process that was killed before it could stop it. */
    private static void stopLeftoverServer(PostgresBinaries binaries, Path data) {
        if (!Files.exists(data.resolve("postmaster.pid"))) {
            return;
        }
        ProcessResult status = run(binaries, binaries.bin("pg_ctl").toString(), "status", "-D", data.toString());
        if (status.exitCode() == 0) {
            log.warn("Stopping an embedded PostgreSQL left running on {} by an earlier run", data);
            run(binaries, binaries.bin("pg_ctl").toString(), "stop", "-w", "-m", "fast", "-D", data.toString());
        }
    }

    /** The message of the server's last FATAL or PANIC log line, which says why it did not start. */
    private static Optional<String> lastFatalLine(Path logFile) {
        try {
            List<String> lines = Files.exists(logFile) ? Files.readAllLines(logFile) : List.of();
            for (int i = lines.size() - 1; i >= 0; i--) {
                Matcher fatal = FATAL.matcher(lines.get(i));
                if (fatal.find()) {
                    return Optional.of(fatal.group(1).strip());
                }
            }
        } catch (IOException | UncheckedIOException unreadable) {
            // the caller falls back to pg_ctl's own last line
        }
        return Optional.empty();
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new EmbeddedPostgresException("no free port on " + HOST + ": " + e.getMessage(), e);
        }
    }

    record ProcessResult(int exitCode, String output) {
        String lastLine() {
            String[] lines = output.strip().split("\n");
            return lines[lines.length - 1].strip();
        }
    }

    static ProcessResult run(PostgresBinaries binaries, String... command) {
        List<String> full = new ArrayList<>();
        if (runsAsRoot()) {
            // PostgreSQL will not run as root; in a new user namespace root is the unmapped "nobody".
            full.add("unshare");
            full.add("-U");
        }
        full.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
        builder.environment().put("LC_ALL", "C");
        builder.environment().put("LD_LIBRARY_PATH", binaries.lib().toString());
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(START_TIMEOUT_SECONDS + 10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new ProcessResult(-1, output + "\n" + full.get(0) + " timed out");
            }
            return new ProcessResult(process.exitValue(), output);
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot run " + full.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedPostgresException("interrupted while running " + command[0], e);
        }
    }

    private static boolean runsAsRoot() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        return !os.startsWith("windows") && new UnixSystem().getUid() == 0;
    }

    /** zonky's name of this operating system. */
    static String system() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            return "Linux";
        }
        if (os.startsWith("mac")) {
            return "Darwin";
        }
        throw new EmbeddedPostgresException("embedded PostgreSQL runs on Linux and macOS, not on " + os
                + "; set PUSHGATE_DB_URL to use an external PostgreSQL");
    }

    /** zonky's name of this processor architecture. */
    static String architecture() {
        return ArchUtils.normalize(System.getProperty("os.arch"));
    }
}
