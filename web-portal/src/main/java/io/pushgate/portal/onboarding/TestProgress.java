package io.pushgate.portal.onboarding;

import java.util.List;

/**
 * How far a test event got: callback answered → notification stored → attempt → delivered, each
 * stage {@code done}, {@code waiting} or {@code failed}.
 *
 * @param payload what the sandbox device received (the FCM message, its device token shortened), or null
 * @param hint what to do when a stage failed, or null
 */
record TestProgress(List<Stage> stages, boolean finished, boolean delivered, String payload, String hint) {

    record Stage(String key, String title, String state, String text) {}
}
