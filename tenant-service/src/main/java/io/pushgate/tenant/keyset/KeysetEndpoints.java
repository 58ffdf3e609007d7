package io.pushgate.tenant.keyset;

import io.pushgate.api.secret.SecretCipher.KeyIds;
import io.pushgate.tenant.platform.ApiRejected;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The platform operator's view of the secrets-at-rest keyset and its re-sealing, the third step of a
 * rotation (docs/OPERATIONS.md, "Rotating the keyset"): {@code GET /v1/operator/keyset} and {@code
 * POST /v1/operator/keyset:reseal}. Only the operator token reaches them ({@code
 * security.SecurityConfiguration}). Key ids only, never key material.
 */
@RestController
class KeysetEndpoints {

    static final int DEFAULT_BATCH = 500;
    static final int MAX_BATCH = 10_000;

    private final Keysets keysets;

    KeysetEndpoints(Keysets keysets) {
        this.keysets = keysets;
    }

    /**
     * One key of the keyset this instance uses.
     *
     * @param sealed how many stored ciphertexts it sealed
     * @param retirable whether it may be removed from the keyset now: not the primary, and nothing
     *     stored is sealed with it
     */
    record KeyView(long keyId, boolean primary, long sealed, boolean retirable) {}

    /** A key that sealed stored ciphertexts but is not in the keyset: they no longer open. */
    record UnknownKeyView(long keyId, long sealed) {}

    /**
     * {@code GET /v1/operator/keyset}'s answer.
     *
     * @param notUnderPrimary stored ciphertexts the primary did not seal: what a re-seal would do
     */
    record KeysetView(
            long primaryKeyId, List<KeyView> keys, List<UnknownKeyView> unknownKeys, long total, long notUnderPrimary) {

        static KeysetView of(KeyIds keyIds, Map<Long, Long> sealed) {
            Map<Long, Long> left = new HashMap<>(sealed);
            List<KeyView> keys = new ArrayList<>();
            for (long id : keyIds.keyIds()) {
                long count = left.getOrDefault(id, 0L);
                left.remove(id);
                boolean primary = id == keyIds.primary();
                keys.add(new KeyView(id, primary, count, !primary && count == 0));
            }
            List<UnknownKeyView> unknown = new ArrayList<>();
            for (long id : Keysets.sorted(left.keySet())) {
                unknown.add(new UnknownKeyView(id, left.get(id)));
            }
            long total = sealed.values().stream().mapToLong(Long::longValue).sum();
            return new KeysetView(
                    keyIds.primary(), keys, unknown, total, total - sealed.getOrDefault(keyIds.primary(), 0L));
        }
    }

    /** {@code POST /v1/operator/keyset:reseal}'s answer: the pass, then the keyset as it stands after it. */
    record ResealView(Keysets.Pass pass, KeysetView keyset) {}

    @GetMapping("/v1/operator/keyset")
    Mono<KeysetView> keyset() {
        KeyIds keyIds = keysets.keyIds();
        return keysets.sealedPerKey().map(counts -> KeysetView.of(keyIds, counts));
    }

    @PostMapping("/v1/operator/keyset:reseal")
    Mono<ResealView> reseal(@RequestParam(name = "batchSize", required = false) String batchSize) {
        int batch = batchSize(batchSize);
        return keysets.reseal(batch)
                .flatMap(pass -> keysets.sealedPerKey()
                        .map(counts -> new ResealView(pass, KeysetView.of(keysets.keyIds(), counts))));
    }

    private static int batchSize(String text) {
        if (text == null) {
            return DEFAULT_BATCH;
        }
        try {
            int size = Integer.parseInt(text.strip());
            if (size >= 1 && size <= MAX_BATCH) {
                return size;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiRejected.invalidField("batchSize", "must be a whole number from 1 to " + MAX_BATCH);
    }
}
