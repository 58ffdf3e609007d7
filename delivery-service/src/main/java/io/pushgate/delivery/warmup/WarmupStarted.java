package io.pushgate.delivery.warmup;

/**
 * Published on the warm-up's thread once its synthetic work is under way, before readiness: a
 * listener runs while the warm-up does (its tests hold it there to act during it).
 */
record WarmupStarted(int callbacks, int deliveries) {}
