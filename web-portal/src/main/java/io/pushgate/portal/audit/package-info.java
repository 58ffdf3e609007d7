/** The tenant's audit log, newest first, page by page. */
package io.pushgate.portal.audit;
