/**
 * The onboarding checklist, computed from live state (never from clicks), and the test event: a
 * signed event through the configuration's public callback URL, watched until it lands on the
 * sandbox device.
 */
package io.pushgate.portal.onboarding;
