/** The sandbox phone: a simulated device for a session id that shows each push as it arrives, with the configuration's template. */
package io.pushgate.portal.sandboxphone;
