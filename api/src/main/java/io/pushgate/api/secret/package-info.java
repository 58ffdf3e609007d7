/** Secrets at rest: AEAD encryption bound to a tenant and a record. */
package io.pushgate.api.secret;
