package io.pushgate.portal.attention;

import java.util.List;

/**
 * What the home page shows of the tenant's health.
 *
 * @param available whether delivery-service answered; when not, {@code items} is empty and means nothing
 */
public record Health(boolean available, List<Item> items) {

    /**
     * One thing to look at.
     *
     * @param kind delivery-service's kind, e.g. {@code credential-failing}
     * @param title what is wrong, in a sentence
     * @param hint what to do
     * @param href the page where it is fixed
     * @param action the link's text
     */
    public record Item(String kind, String title, String hint, String href, String action) {}

    static Health unavailable() {
        return new Health(false, List.of());
    }
}
