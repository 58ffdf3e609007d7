/** The append-only audit log: every change and every sign-in, never a secret value. */
package io.pushgate.tenant.audit;
