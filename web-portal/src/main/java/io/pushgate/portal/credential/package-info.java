/** Provider credentials: FCM service accounts, APNs token keys and certificates, the sandbox; each tested when saved. */
package io.pushgate.portal.credential;
