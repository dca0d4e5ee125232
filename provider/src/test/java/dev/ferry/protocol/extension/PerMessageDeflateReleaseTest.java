package dev.ferry.protocol.extension;

import dev.ferry.protocol.Extension;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static dev.ferry.protocol.extension.ExtensionDriver.HEX;
import static dev.ferry.protocol.extension.ExtensionDriver.decodeHex;
import static dev.ferry.protocol.extension.ExtensionDriver.encodeHex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Native zlib memory: created on first use, one stream per direction, ended exactly once by release(). */
class PerMessageDeflateReleaseTest {

    private final ZlibRecorder zlib = new ZlibRecorder();
    private final PerMessageDeflate factory = PerMessageDeflate.builder().zlib(zlib).build();

    @Test
    void idleConnectionHoldsNoZlibStreams() {
        PerMessageDeflateExtension extension = (PerMessageDeflateExtension) factory.accept("permessage-deflate");
        assertFalse(extension.holdsZlibStreams());
        assertEquals(List.of(), zlib.deflaters);
        assertEquals(List.of(), zlib.inflaters);
        extension.release();
        assertEquals(List.of(), zlib.deflaters, "releasing an idle extension creates nothing");
    }

    @Test
    void oneDeflaterAndOneInflaterServeEveryMessage() {
        Extension extension = factory.accept("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
        for (int i = 0; i < 5; i++) {
            assertEquals("f2 48 cd c9 c9 07 00", encodeHex(extension, "Hello"));
            assertEquals("Hello", decodeHex(extension, "f2 48 cd c9 c9 07 00"));
        }
        assertEquals(1, zlib.deflaters.size());
        assertEquals(1, zlib.inflaters.size());
    }

    @Test
    void releaseEndsBothStreamsOnceAndIsIdempotent() {
        PerMessageDeflateExtension extension = (PerMessageDeflateExtension) factory.accept("permessage-deflate");
        encodeHex(extension, "Hello");
        decodeHex(extension, "f2 48 cd c9 c9 07 00");
        assertTrue(extension.holdsZlibStreams());

        extension.release();
        extension.release();

        assertFalse(extension.holdsZlibStreams());
        assertEquals(1, zlib.deflaters.get(0).ends);
        assertEquals(1, zlib.inflaters.get(0).ends);
        // The JDK's own check that the native stream is gone:
        assertThrows(NullPointerException.class, () -> zlib.deflaters.get(0).deflate(new byte[8]));
        assertThrows(NullPointerException.class, () -> zlib.inflaters.get(0).inflate(new byte[8]));
    }

    @Test
    void releaseInTheMiddleOfAMessageEndsTheStreamsToo() {
        PerMessageDeflateExtension extension = (PerMessageDeflateExtension) factory.accept("permessage-deflate");
        extension.encode(ByteBuffer.wrap("Hel".getBytes()), true, false);
        extension.decodeInput(ByteBuffer.wrap(HEX.parseHex("f2 48 cd")), false);
        extension.release();
        assertEquals(1, zlib.deflaters.get(0).ends);
        assertEquals(1, zlib.inflaters.get(0).ends);
    }

    @Test
    void useAfterReleaseIsACallerMistake() {
        Extension extension = factory.accept("permessage-deflate");
        extension.release();
        assertThrows(IllegalStateException.class, () -> extension.encode(ByteBuffer.allocate(1), true, true));
        assertThrows(IllegalStateException.class, () -> extension.decodeInput(ByteBuffer.allocate(1), true));
        assertThrows(IllegalStateException.class, () -> extension.decode(ByteBuffer.allocate(1)));
        assertEquals(List.of(), zlib.deflaters, "nothing was created after release");
    }
}
