package dev.ferry.jakarta.pojo;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link LimitedStreams}: what a {@code Reader} reads counts in UTF-8 bytes, whichever way it is read. */
class LimitedStreamsTest {

    private static final String TEXT = "a\u00e9\u20ac\uD83D\uDE00"; // 1 + 2 + 3 + 4 = 10 bytes, 5 chars

    @Test
    void utf8LengthCountsEachCharactersBytes() {
        assertEquals(10, LimitedStreams.utf8Length(TEXT));
        assertEquals(0, LimitedStreams.utf8Length(""));
    }

    @Test
    void aReaderMayReadExactlyTheLimitInBytes() throws IOException {
        AtomicInteger exceeded = new AtomicInteger();
        Reader reader = LimitedStreams.limit(new StringReader(TEXT), 10, exceeded::incrementAndGet);
        char[] all = new char[16];
        assertEquals(5, reader.read(all, 0, all.length));
        assertEquals(-1, reader.read());
        assertEquals(0, exceeded.get());
    }

    @Test
    void aReaderReadingOneCharAtATimeFailsPastTheLimitInBytesAndReportsOnce() throws IOException {
        AtomicInteger exceeded = new AtomicInteger();
        Reader reader = LimitedStreams.limit(new StringReader(TEXT), 9, exceeded::incrementAndGet);
        for (int i = 0; i < 4; i++) {
            reader.read(); // a, é, €, the high surrogate: 1 + 2 + 3 + 2 = 8 bytes
        }
        assertEquals(0, exceeded.get(), "5 characters are under 9, but 10 bytes are not");
        assertThrows(IOException.class, reader::read); // the low surrogate: 10 bytes
        assertThrows(IOException.class, reader::read);
        assertEquals(1, exceeded.get());
    }

    @Test
    void skippingAReaderCountsTheSkippedBytes() throws IOException {
        AtomicInteger exceeded = new AtomicInteger();
        Reader reader = LimitedStreams.limit(new StringReader(TEXT), 9, exceeded::incrementAndGet);
        assertThrows(IOException.class, () -> reader.skip(100));
        assertEquals(1, exceeded.get());
    }

    @Test
    void anInputStreamCountsBytes() throws IOException {
        AtomicInteger exceeded = new AtomicInteger();
        InputStream in = LimitedStreams.limit(new ByteArrayInputStream(new byte[11]), 10, exceeded::incrementAndGet);
        assertEquals(10, in.readNBytes(10).length);
        assertThrows(IOException.class, in::read);
        assertEquals(1, exceeded.get());
    }
}
