/** RFC 9457 problem types that Pushgate's services answer with, each a stable {@code type} URI. */
package io.pushgate.api.problem;
