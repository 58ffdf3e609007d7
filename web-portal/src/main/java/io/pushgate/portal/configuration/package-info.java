/** Managing AXP configurations: settings, secret and callback-key rotation, deletion, the one-time secret page. */
package io.pushgate.portal.configuration;
