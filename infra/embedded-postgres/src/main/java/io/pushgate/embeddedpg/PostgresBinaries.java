package io.pushgate.embeddedpg;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * zonky's PostgreSQL distribution for this platform, unpacked once into a cache folder that is
 * named by the archive's digest, so several processes and versions share it safely.
 */
record PostgresBinaries(Path home, String version) {

    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+(?:\\.\\d+)?)");

    Path bin(String program) {
        return home.resolve("bin").resolve(program);
    }

    Path lib() {
        return home.resolve("lib");
    }

    /** The major version, as {@code PG_VERSION} in a data directory states it. */
    String majorVersion() {
        return version.contains(".") ? version.substring(0, version.indexOf('.')) : version;
    }

    static synchronized PostgresBinaries extracted() {
        String system = EmbeddedPostgres.system();
        String architecture = EmbeddedPostgres.architecture();
        try (InputStream archive = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, architecture)) {
            byte[] bytes = archive.readAllBytes();
            Path cache = Path.of(System.getProperty("java.io.tmpdir"), "pushgate-postgres");
            Files.createDirectories(cache);
            Path home =
                    cache.resolve(system.toLowerCase(java.util.Locale.ROOT) + "-" + architecture + "-" + digest(bytes));
            try (FileChannel lock = FileChannel.open(
                    cache.resolve(home.getFileName() + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                lock.lock(); // released when the channel closes
                if (!Files.exists(home.resolve(".complete"))) {
                    unpack(bytes, home);
                    Files.createFile(home.resolve(".complete"));
                }
            }
            PostgresBinaries unversioned = new PostgresBinaries(home, "");
            EmbeddedPostgres.ProcessResult result = EmbeddedPostgres.run(
                    unversioned, unversioned.bin("postgres").toString(), "--version");
            Matcher version = VERSION.matcher(result.output());
            if (result.exitCode() != 0 || !version.find()) {
                throw new EmbeddedPostgresException(
                        "the PostgreSQL binaries in " + home + " do not run: " + result.lastLine());
            }
            return new PostgresBinaries(home, version.group(1));
        } catch (IOException e) {
            throw new EmbeddedPostgresException(
                    "cannot unpack PostgreSQL for " + system + "/" + architecture + ": " + e.getMessage(), e);
        }
    }

    private static void unpack(byte[] archive, Path home) throws IOException {
        if (Files.exists(home)) {
            try (var stale = Files.walk(home)) {
                for (Path path :
                        stale.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        Files.createDirectories(home);
        try (var tar = new TarArchiveInputStream(new XZCompressorInputStream(new ByteArrayInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path target = home.resolve(entry.getName()).normalize();
                if (!target.startsWith(home)) {
                    throw new IOException("archive entry outside its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target);
                    Files.setPosixFilePermissions(target, permissions(entry.getMode()));
                }
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.of(
                PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ,
                PosixFilePermission.OTHERS_READ);
        if ((mode & 0111) != 0) {
            permissions.addAll(Set.of(
                    PosixFilePermission.OWNER_EXECUTE,
                    PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
        }
        return permissions;
    }

    private static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
