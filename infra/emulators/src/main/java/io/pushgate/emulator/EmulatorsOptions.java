package io.pushgate.emulator;

import java.nio.file.Path;
import java.util.Map;

/**
 * The options of {@link Emulators#main}: {@code --fcm-port}, {@code --apns-port}, {@code --host},
 * {@code --apns-topic}, {@code --out}; each falls back to its environment variable, then its default.
 */
record EmulatorsOptions(String host, int fcmPort, int apnsPort, String apnsTopic, Path out) {

    static final String USAGE = "usage: Emulators [--host=127.0.0.1] [--fcm-port=9090] [--apns-port=9443]"
            + " [--apns-topic=io.pushgate.sandbox] [--out=./emulators]";

    static EmulatorsOptions parse(String[] args, Map<String, String> environment) {
        String host = environment.getOrDefault("PUSHGATE_EMULATOR_HOST", "127.0.0.1");
        String fcmPort = environment.getOrDefault("PUSHGATE_FCM_EMULATOR_PORT", "9090");
        String apnsPort = environment.getOrDefault("PUSHGATE_APNS_EMULATOR_PORT", "9443");
        String topic = environment.getOrDefault("PUSHGATE_APNS_EMULATOR_TOPIC", "io.pushgate.sandbox");
        String out = environment.getOrDefault("PUSHGATE_EMULATOR_OUT", "emulators");
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (!arg.startsWith("--") || equals < 0) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
            String value = arg.substring(equals + 1);
            switch (arg.substring(2, equals)) {
                case "host" -> host = value;
                case "fcm-port" -> fcmPort = value;
                case "apns-port" -> apnsPort = value;
                case "apns-topic" -> topic = value;
                case "out" -> out = value;
                default -> throw new IllegalArgumentException("unknown option '" + arg.substring(0, equals) + "'");
            }
        }
        if (topic.isBlank()) {
            throw new IllegalArgumentException("the APNs topic must not be blank");
        }
        return new EmulatorsOptions(host, port(fcmPort, "fcm-port"), port(apnsPort, "apns-port"), topic, Path.of(out));
    }

    private static int port(String value, String name) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a port number 0-65535, was '" + value + "'");
    }
}
