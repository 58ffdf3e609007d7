package io.pushgate.standalone;

import java.util.List;

/** A started platform as the launcher reports and stops it: in one JVM, or a JVM per service. */
interface Launch extends AutoCloseable {

    /** One started service, as the launcher reports it. */
    record Service(String name, String url, String purpose) {}

    /** Starts everything or, on a failure, stops what had started and throws {@link LaunchException}. */
    void start();

    /** What is running, one line each: name, address, purpose. */
    List<Service> endpoints();

    String databaseDescription();

    /** The sandbox provider's address (the FCM emulator, with its control API under {@code /emulator/fcm}). */
    String sandboxUrl();

    @Override
    void close();
}
