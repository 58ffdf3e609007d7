package io.pushgate.tenant.limit;

import reactor.core.publisher.Mono;

/** Where a limit's buckets live: {@link LocalBuckets} or {@link RedisBuckets}. None of them fails. */
interface Buckets {

    /** Takes one token of the quota's bucket, if it has one. */
    Mono<Admission> take(Quota quota);

    /** Whether one token could be taken now, taking none. */
    Mono<Admission> estimate(Quota quota);

    /** Gives one token back (at most up to the capacity). */
    Mono<Void> giveBack(Quota quota);

    /** Makes the bucket full again. */
    Mono<Void> reset(Quota quota);
}
