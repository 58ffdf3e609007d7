/** The warm-up before readiness: synthetic callbacks, rehearsed statements and stand-in sends, so that the JIT compiles the hot paths before the first real callback. */
package io.pushgate.delivery.warmup;
