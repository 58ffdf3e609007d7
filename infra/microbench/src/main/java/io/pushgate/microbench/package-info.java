/** JMH micro-benchmarks of the callback path's pieces, run with {@code ./pushgate bench micro}. */
package io.pushgate.microbench;
