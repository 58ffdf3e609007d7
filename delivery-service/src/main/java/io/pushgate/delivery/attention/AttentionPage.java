package io.pushgate.delivery.attention;

import java.time.Instant;
import java.util.List;

/** The answer of {@code GET /v1/attention}: the items in a fixed order of kinds, and when they were looked at. */
record AttentionPage(List<AttentionItem> items, Instant checkedAt) {}
