package dev.ferry.jakarta;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out a container's session ids ({@code Session.getId()}): a prefix drawn at random once per container,
 * then a counter. Jakarta WebSocket asks only that an id be unique among the container's sessions, which the
 * counter guarantees; the random prefix keeps ids of different containers in one JVM apart too (as likely as
 * two random UUIDs being equal). An id is not a secret: nothing looks a session up by it.
 *
 * <p>Cheaper than {@link UUID#randomUUID()} per session, which draws 16 bytes from a shared
 * {@code SecureRandom} (a synchronized call) on every handshake.
 *
 * <p>Thread contract: {@link #next()} may be called from any thread, concurrently.
 */
public final class SessionIds {

    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    /** Ids with a fresh random prefix. */
    public SessionIds() {
        this(UUID.randomUUID().toString());
    }

    /** Ids {@code prefix}, a hyphen, and a counter in hexadecimal (for tests; containers use {@link #SessionIds()}). */
    SessionIds(String prefix) {
        this.prefix = prefix + "-";
    }

    /** An id this object has not returned before. */
    public String next() {
        return id(nextNumber());
    }

    /**
     * A number this object has not returned before, to be spelled as an id by {@link #id(long)} only when someone
     * asks for it: a session keeps a {@code long} rather than a string most sessions never show.
     */
    public long nextNumber() {
        return counter.incrementAndGet();
    }

    /** The id of {@code number}, one {@link #nextNumber()} returned: equal each time it is asked. */
    public String id(long number) {
        return prefix.concat(Long.toHexString(number));
    }
}
