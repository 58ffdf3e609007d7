package io.pushgate.standalone;

import org.springframework.boot.web.server.PortInUseException;

/** Turns a start-up failure into the one line a person needs; the stack trace goes to the log file. */
final class Failures {

    private Failures() {}

    static String describe(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof LaunchException launch) {
                return launch.getMessage();
            }
        }
        String reason = reason(failure);
        return reason.startsWith("port ") ? reason : "start-up failed: " + reason;
    }

    /** Why {@code failure} happened, in one line: a port in use, else its root cause's message. */
    static String reason(Throwable failure) {
        Throwable cause = failure;
        while (cause != null) {
            if (cause instanceof PortInUseException portInUse) {
                return "port " + portInUse.getPort() + " is already in use";
            }
            cause = cause.getCause();
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return firstLine(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }
}
