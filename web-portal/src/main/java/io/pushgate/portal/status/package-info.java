/** The platform's status as the portal's home page shows it: are both services up? */
package io.pushgate.portal.status;
