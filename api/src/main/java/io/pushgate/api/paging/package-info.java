/**
 * Paging shared by both services' lists: a list's {@code nextCursor} is bound to the tenant whose
 * list made it ({@link io.pushgate.api.paging.TenantCursors}).
 */
package io.pushgate.api.paging;
