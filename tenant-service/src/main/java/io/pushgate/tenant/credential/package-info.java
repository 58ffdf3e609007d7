/** Provider credentials (sandbox, FCM service accounts, APNs .p8 keys and .p12 certificates): validated, sealed at rest, never shown again. */
package io.pushgate.tenant.credential;
