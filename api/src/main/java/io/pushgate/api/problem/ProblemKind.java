package io.pushgate.api.problem;

import java.net.URI;

/**
 * One kind of problem a Pushgate service answers with (RFC 9457 {@code application/problem+json}):
 * one HTTP status, one stable {@code type} URI, one constant {@code title}. Each surface lists its
 * kinds as an enum implementing this interface ({@link CallbackProblem}, {@link DeliveryApiProblem},
 * {@link ControlPlaneProblem}, {@link PortalProblem}); an answer's {@code detail} explains the occurrence, and clients
 * branch on {@link #type()}, never on the text. The type URIs are a public contract: once published
 * they never change.
 */
public interface ProblemKind {

    /** The base of every Pushgate problem type: a kind's {@code type} is this plus its slug. */
    String BASE = "https://pushgate.io/problems/";

    /** The HTTP status code of every answer of this kind. */
    int status();

    /** The stable {@code type} URI, {@link #BASE} plus the kind's slug. */
    URI type();

    /** The short, constant human-readable summary. */
    String title();

    /** The kind's slug, the last part of its {@link #type()}, e.g. {@code invalid-field}: as metrics tag it. */
    default String slug() {
        return type().toString().substring(BASE.length());
    }

    /** The {@code type} URI of the kind named {@code slug}, e.g. {@code invalid-field}. */
    static URI type(String slug) {
        return URI.create(BASE + slug);
    }
}
