package io.pushgate.drills;

/**
 * One drill of issue 18: it sets up what it needs (its own platform, its own database), does
 * something bad to it on purpose, and answers whether Pushgate kept its promises, with the figures.
 * A drill never touches anything it did not start: the machine's PostgreSQL, other platforms.
 */
public interface Drill {

    /** What {@code ./pushgate drill <name>} calls it: lower case, words joined by '-'. */
    String name();

    /** One line for the usage text: what it does to the platform and what it checks. */
    String description();

    /**
     * Runs the drill once. A failed property is a result ({@link DrillResult#passed()} false), not an
     * exception; an exception means the drill itself could not run (a build missing, a port taken).
     */
    DrillResult run(DrillOptions options) throws Exception;
}
