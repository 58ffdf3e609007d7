package io.pushgate.tenant.limit;

import io.github.bucket4j.BucketConfiguration;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * One bucket of a limit.
 *
 * @param limit the limit's name: the {@code limit} tag of the metrics and the first part of its key
 *     in Redis ({@code <prefix><limit>:<key>})
 * @param key whose bucket it is within the limit (a tenant's id, a hashed address or e-mail)
 * @param version the version of its bands (a plan's version): a bucket made from an older one takes
 *     the new bands, keeping its tokens (at most the new capacity)
 * @param bands what the bucket holds; the first one's capacity is the {@code RateLimit-Limit}
 * @param tenantId the tenant it counts for in the metrics, {@code null} for none
 */
public record Quota(String limit, String key, long version, List<Band> bands, UUID tenantId) {

    public Quota {
        bands = List.copyOf(bands);
        if (bands.isEmpty()) {
            throw new IllegalArgumentException("a quota needs a band");
        }
    }

    /** The capacity of the first band: what {@code RateLimit-Limit} says. */
    public long capacity() {
        return bands.get(0).capacity();
    }

    BucketConfiguration configuration(int share) {
        var builder = BucketConfiguration.builder();
        bands.forEach(band -> builder.addLimit(band.shareOf(share).bandwidth()));
        return builder.build();
    }

    /** The longest an emptied bucket takes to be full again, at any share. */
    Duration toFull() {
        return bands.stream().map(Band::toFull).max(Duration::compareTo).orElseThrow();
    }

    /**
     * A key that does not reveal what it is made of (an e-mail, an address): the first 128 bits of
     * its SHA-256, in hex. Keys in Redis are readable by whoever reads Redis.
     */
    public static String hashed(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
