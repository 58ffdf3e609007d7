/** Provider credentials (sandbox, FCM service accounts, APNs .p8 keys): validated, sealed at rest, never shown again. */
package io.pushgate.tenant.credential;
