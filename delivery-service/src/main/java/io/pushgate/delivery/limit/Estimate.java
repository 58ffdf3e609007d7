package io.pushgate.delivery.limit;

/**
 * A bucket's state, read without taking anything, and the backend that read it ({@code local} also
 * for the {@code redis} backend's fallback).
 */
record Estimate(Admission state, LimitBackend backend) {}
