package io.pushgate.standalone;

import io.pushgate.api.secret.SecretCipher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * The standalone platform's own secrets, kept in {@code PUSHGATE_HOME} as files readable by their
 * owner only and made on the first run: the keyset that seals secrets at rest ({@code keyset.json},
 * unless {@code PUSHGATE_KEYSET} names one) and the embedded database's password
 * ({@code db-password}). Losing the keyset makes every stored secret unreadable: back it up with
 * the database.
 */
final class HomeSecrets {

    static final String KEYSET_FILE = "keyset.json";
    static final String DATABASE_PASSWORD_FILE = "db-password";

    private HomeSecrets() {}

    /** The keyset for the services' {@code pushgate.keyset}: a file path or the Tink JSON itself. */
    static String keyset(LauncherSettings settings) {
        String keyset = settings.keyset().orElseGet(() -> {
            Path file = settings.home().resolve(KEYSET_FILE);
            ownFile(file, SecretCipher::generateKeyset);
            return file.toString();
        });
        try {
            SecretCipher.load(keyset);
        } catch (IllegalArgumentException e) {
            throw new LaunchException("PUSHGATE_KEYSET: " + e.getMessage());
        }
        return keyset;
    }

    /** The embedded database superuser's password. */
    static String databasePassword(Path home) {
        Path file = home.resolve(DATABASE_PASSWORD_FILE);
        ownFile(file, () -> {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        });
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new LaunchException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Creates {@code file} with the supplied content, readable by its owner only, unless it exists. */
    private static void ownFile(Path file, Supplier<String> content) {
        if (Files.exists(file)) {
            return;
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, content.get(), StandardCharsets.UTF_8);
        } catch (FileAlreadyExistsException raced) {
            // another launcher made it first: use theirs
        } catch (IOException e) {
            throw new LaunchException("cannot create " + file + ": " + e.getMessage());
        }
    }
}
