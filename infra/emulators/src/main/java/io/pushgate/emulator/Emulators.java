package io.pushgate.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Both emulators together, for the standalone sandbox and the load simulator; {@link #main} runs them on
 * their own until the process is stopped.
 */
public final class Emulators implements AutoCloseable {

    private final FcmEmulator fcm;
    private final ApnsEmulator apns;

    private Emulators(FcmEmulator fcm, ApnsEmulator apns) {
        this.fcm = fcm;
        this.apns = apns;
    }

    /**
     * Starts the FCM emulator on {@code host:fcmPort} and the APNs emulator, with open device registration,
     * on {@code apnsPort} ({@code 0}: free ports).
     */
    public static Emulators start(String host, int fcmPort, int apnsPort) {
        FcmEmulator fcm = FcmEmulator.start(
                host, fcmPort, Runtime.getRuntime().availableProcessors(), FcmEmulator.DEFAULT_MAX_RECORDED);
        try {
            return new Emulators(fcm, ApnsEmulator.start(apnsPort, true));
        } catch (RuntimeException e) {
            fcm.close();
            throw e;
        }
    }

    public FcmEmulator fcm() {
        return fcm;
    }

    public ApnsEmulator apns() {
        return apns;
    }

    @Override
    public void close() {
        try {
            apns.close();
        } finally {
            fcm.close();
        }
    }

    /**
     * Runs both emulators; writes the APNs server certificate, a minted APNs key and a minted APNs
     * client certificate ({@code .p12}) for the topic into the output folder and prints where everything
     * is (and the {@code .p12}'s password: a test credential of this emulator only). Exit status 2 on bad arguments.
     */
    public static void main(String[] args) throws InterruptedException {
        EmulatorsOptions options;
        try {
            options = EmulatorsOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(EmulatorsOptions.USAGE);
            System.exit(2);
            return;
        }
        Emulators emulators = start(options.host(), options.fcmPort(), options.apnsPort());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            emulators.close();
                            stopped.countDown();
                        },
                        "emulators-shutdown"));
        ApnsAuthKey key = emulators.apns().mintAuthKey(ApnsAuthKey.randomId(), options.apnsTopic());
        Path certificate = options.out().resolve("apns-emulator.crt");
        Path keyFile = options.out().resolve("AuthKey_" + key.keyId() + ".p8");
        ApnsCertificate clientCertificate = emulators.apns().mintCertificate(options.apnsTopic());
        Path p12File = options.out().resolve("apns-" + options.apnsTopic() + ".p12");
        try {
            Files.createDirectories(options.out());
            Files.writeString(certificate, emulators.apns().serverCertificatePem(), StandardCharsets.US_ASCII);
            Files.writeString(keyFile, key.privateKeyPem(), StandardCharsets.US_ASCII);
            Files.write(p12File, clientCertificate.p12());
        } catch (IOException e) {
            emulators.close();
            throw new UncheckedIOException("cannot write into " + options.out(), e);
        }
        System.out.println("FCM emulator   " + emulators.fcm().baseUri() + "  (token endpoint "
                + emulators.fcm().tokenUri() + ", control API "
                + emulators.fcm().baseUri() + "/emulator/fcm)");
        System.out.println("APNs emulator  localhost:" + emulators.apns().port() + "  (trust " + certificate
                + "; key " + keyFile + ", team " + key.teamId() + ", key id " + key.keyId() + ", topic "
                + options.apnsTopic() + "; or the certificate " + p12File + ", password "
                + clientCertificate.password() + ")");
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
    }
}
