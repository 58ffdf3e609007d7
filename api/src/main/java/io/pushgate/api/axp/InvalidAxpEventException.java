package io.pushgate.api.axp;

/** An {@link AxpEvent} broke one of its rules; the message names the field and the rule. */
public final class InvalidAxpEventException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field the offending field's name, or {@code null} when the rule concerns the whole event
     * @param rule what is wrong, e.g. {@code "is required"}
     */
    public InvalidAxpEventException(String field, String rule) {
        super(field == null ? rule : field + " " + rule);
        this.field = field;
    }

    /** The offending field's name, or {@code null} when the rule concerns the whole event. */
    public String field() {
        return field;
    }
}
