package dev.ferry.jakarta.pojo;

import java.io.FilterInputStream;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * {@code @OnMessage(maxMessageSize)} for the streamed forms: a {@code Reader} or {@code InputStream} that counts what
 * the method reads in bytes (for a {@code Reader}, the UTF-8 length of the characters read, as every text limit of
 * the session counts them). Reading past the limit runs {@code exceeded} once (the endpoint closes the session with
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
                    budget.spend(utf8Length((char) c));
                }
                return c;
            }

            @Override
            public int read(char[] buffer, int offset, int length) throws IOException {
                budget.check();
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    budget.spend(utf8Length(buffer, offset, offset + n));
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                budget.check();
                char[] skipped = new char[(int) Math.min(Math.max(n, 0), 8192)];
                int read = super.read(skipped, 0, skipped.length); // skipping is reading: the bytes count
                if (read <= 0) {
                    return 0;
                }
                budget.spend(utf8Length(skipped, 0, read));
                return read;
            }
        };
    }

    /** The UTF-8 length of {@code text}. */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            bytes += utf8Length(text.charAt(i));
        }
        return bytes;
    }

    private static long utf8Length(char[] text, int from, int to) {
        long bytes = 0;
        for (int i = from; i < to; i++) {
            bytes += utf8Length(text[i]);
        }
        return bytes;
    }

    /** 1 to 3 bytes; 2 for each half of a surrogate pair, so a pair split across reads still counts 4. */
    private static int utf8Length(char c) {
        return c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
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
                throw new IOException("the message is larger than " + max + " bytes (@OnMessage maxMessageSize); the"
                        + " session closes with 1009 (RFC 6455 §7.4.1)");
            }
        }
    }
}
