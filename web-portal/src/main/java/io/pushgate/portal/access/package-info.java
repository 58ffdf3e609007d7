/** How a tenant's apps may register devices: app clients, trusted issuers (open registration is a configuration setting). */
package io.pushgate.portal.access;
