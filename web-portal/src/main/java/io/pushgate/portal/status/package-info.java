/** The platform's status page: are both services up? */
package io.pushgate.portal.status;
