/** What every feature of tenant-service shares: settings, secrets, problems, paging, security, change events. */
package io.pushgate.tenant.platform;
