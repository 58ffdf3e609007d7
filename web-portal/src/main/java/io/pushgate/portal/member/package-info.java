/** The tenant's members and their roles (owner, admin, viewer); changed by owners only. */
package io.pushgate.portal.member;
