/**
 * The portal's calls to tenant-service and delivery-service over their public APIs, with the
 * signed-in member's token (refreshed as needed); their problem answers become {@link
 * io.pushgate.portal.backend.ApiProblem}s naming the field they are about.
 */
package io.pushgate.portal.backend;
