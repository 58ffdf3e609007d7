/** AXP push configurations: callback URL and key, the HMAC secret and its rotation, delivery options. */
package io.pushgate.tenant.configuration;
