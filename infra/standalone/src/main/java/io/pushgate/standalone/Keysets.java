package io.pushgate.standalone;

import io.pushgate.api.secret.SecretCipher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The keyset that seals secrets at rest: {@code PUSHGATE_KEYSET} when given, otherwise the file
 * {@code keyset.json} in {@code PUSHGATE_HOME}, made on the first run readable by its owner only.
 * Losing that file makes every stored secret unreadable: back it up with the database.
 */
final class Keysets {

    static final String FILE_NAME = "keyset.json";

    private Keysets() {}

    /** The keyset for the services' {@code pushgate.keyset}: a file path or the Tink JSON itself. */
    static String keyset(LauncherSettings settings) {
        String keyset =
                settings.keyset().orElseGet(() -> ownKeyset(settings.home().resolve(FILE_NAME)));
        try {
            SecretCipher.load(keyset);
        } catch (IllegalArgumentException e) {
            throw new LaunchException("PUSHGATE_KEYSET: " + e.getMessage());
        }
        return keyset;
    }

    private static String ownKeyset(Path file) {
        if (Files.exists(file)) {
            return file.toString();
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, SecretCipher.generateKeyset(), StandardCharsets.UTF_8);
            return file.toString();
        } catch (FileAlreadyExistsException raced) {
            return file.toString();
        } catch (IOException e) {
            throw new LaunchException("cannot create the keyset " + file + ": " + e.getMessage());
        }
    }
}
