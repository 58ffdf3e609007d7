/**
 * Pushgate's one problem vocabulary (RFC 9457 {@code application/problem+json}): {@link
 * io.pushgate.api.problem.ProblemKind} is a kind of problem (status, stable {@code type} URI under
 * {@link io.pushgate.api.problem.ProblemKind#BASE}, title), and each surface lists its kinds as one
 * enum implementing it. A service carries a kind to its answer in its {@code *Rejected} exceptions
 * (the kind plus this occurrence's {@code detail}); those are answers, not faults, and are never
 * logged as errors.
 */
package io.pushgate.api.problem;
