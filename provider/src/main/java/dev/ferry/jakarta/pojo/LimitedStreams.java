package dev.ferry.jakarta.pojo;

import java.io.FilterInputStream;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * {@code @OnMessage(maxMessageSize)} for the streamed forms: a {@code Reader} or {@code InputStream} that counts what
 * the method reads (characters for a {@code Reader}, as the session's whole-text limit counts them; bytes for an
 * {@code InputStream}). Reading past the limit runs {@code exceeded} once (the endpoint closes the session with
 * 1009) and fails that read, and every later one, with an {@code IOException}, so the method never sees a truncated
 * message as if it were whole.
 *
 * <p>Thread contract: not thread safe, like the stream it wraps; used by the one method call that reads it.
 */
final class LimitedStreams {

    private LimitedStreams() {
    }

    static InputStream limit(InputStream in, long max, Runnable exceeded) {
        Budget budget = new Budget(max, exceeded);
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                budget.check();
                int b = super.read();
                if (b >= 0) {
                    budget.spend(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                budget.check();
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    budget.spend(n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                budget.check();
                long skipped = super.skip(n);
                budget.spend(skipped);
                return skipped;
            }
        };
    }

    static Reader limit(Reader in, long max, Runnable exceeded) {
        Budget budget = new Budget(max, exceeded);
        return new FilterReader(in) {
            @Override
            public int read() throws IOException {
                budget.check();
                int c = super.read();
                if (c >= 0) {
                    budget.spend(1);
                }
                return c;
            }

            @Override
            public int read(char[] buffer, int offset, int length) throws IOException {
                budget.check();
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    budget.spend(n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                budget.check();
                long skipped = super.skip(n);
                budget.spend(skipped);
                return skipped;
            }
        };
    }

    /** What is left of the limit; over it, the message is refused. */
    private static final class Budget {
        private final long max;
        private final Runnable exceeded;
        private long used;
        private boolean over;

        Budget(long max, Runnable exceeded) {
            this.max = max;
            this.exceeded = exceeded;
        }

        void spend(long amount) throws IOException {
            used += amount;
            if (used > max && !over) {
                over = true;
                exceeded.run();
            }
            check();
        }

        void check() throws IOException {
            if (over) {
                throw new IOException("the message is larger than " + max + " (@OnMessage maxMessageSize); the"
                        + " session closes with 1009 (RFC 6455 §7.4.1)");
            }
        }
    }
}
