/** The providers behind one {@link io.pushgate.delivery.channel.PushChannel}: FCM (and the sandbox) and APNs, one long-lived client per credential. */
package io.pushgate.delivery.channel;
