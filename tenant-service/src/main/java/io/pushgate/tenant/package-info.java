/** tenant-service: the control plane of Pushgate, owner of the {@code tenancy} schema. */
package io.pushgate.tenant;
