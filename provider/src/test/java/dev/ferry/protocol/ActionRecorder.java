package dev.ferry.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Records what a handle reported while a test pumped it: completed sends, received chunks (assembled
 * into whole messages), pongs, closes, automatic pongs written and failures. Tests take events off
 * the front and finish with {@link #assertExhausted()}, so nothing a handle reports goes unchecked.
 */
final class ActionRecorder {

    sealed interface Event {
    }

    /** An {@code INDICATE_SEND_COMPLETE}. */
    record Sent(BufferType type, Object context) implements Event {
    }

    /** A whole received message (its chunks joined), a PONG, or a CLOSE. */
    record Received(BufferType type, byte[] data, CloseStatus closeStatus, Object context, int chunks) implements Event {
        @Override
        public String toString() {
            return "Received[" + type + ", " + data.length + " bytes " + preview() + ", " + closeStatus + ", chunks="
                    + chunks + "]";
        }

        private String preview() {
            return HexFormat.of().formatHex(data, 0, Math.min(16, data.length)) + (data.length > 16 ? "..." : "");
        }
    }

    /** An automatic pong this handle wrote (payload unmasked). */
    record AutoPong(byte[] payload) implements Event {
        @Override
        public String toString() {
            return "AutoPong[" + HexFormat.of().formatHex(payload) + "]";
        }
    }

    /** A violation thrown by {@code getAction}. */
    record Failed(WebSocketProtocolException exception) implements Event {
    }

    private final Deque<Event> events = new ArrayDeque<>();
    private final ByteArrayOutputStream message = new ByteArrayOutputStream();
    private BufferType messageFamily;
    private int chunks;

    void sent(Action.IndicateSendComplete c) {
        events.add(new Sent(c.bufferType(), c.context()));
    }

    void autoPong(byte[] payload) {
        events.add(new AutoPong(payload));
    }

    void failed(WebSocketProtocolException e) {
        events.add(new Failed(e));
    }

    /** Records one chunk; data types are joined until their *_MESSAGE chunk. */
    void received(Action.IndicateReceiveComplete c) {
        ByteBuffer data = c.data().duplicate();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        BufferType type = c.bufferType();
        if (!type.isData()) {
            events.add(new Received(type, bytes, c.closeStatus(), c.context(), 1));
            return;
        }
        BufferType family = type.isText() ? BufferType.UTF8_MESSAGE : BufferType.BINARY_MESSAGE;
        if (messageFamily != null && messageFamily != family) {
            fail("chunk of " + type + " inside a " + messageFamily + " message");
        }
        messageFamily = family;
        message.writeBytes(bytes);
        chunks++;
        if (type.isFinal()) {
            events.add(new Received(family, message.toByteArray(), null, c.context(), chunks));
            message.reset();
            messageFamily = null;
            chunks = 0;
        }
    }

    Event next() {
        Event e = events.poll();
        if (e == null) {
            fail("expected another event, got none");
        }
        return e;
    }

    boolean isEmpty() {
        return events.isEmpty();
    }

    int size() {
        return events.size();
    }

    Received expectMessage(BufferType type, byte[] data) {
        Received r = assertInstanceOf(Received.class, next());
        assertEquals(type, r.type(), "type");
        assertTrue(Arrays.equals(data, r.data()), () -> "payload of " + r);
        return r;
    }

    Received expectReceived(BufferType type) {
        Received r = assertInstanceOf(Received.class, next());
        assertEquals(type, r.type(), () -> "type of " + r);
        return r;
    }

    Sent expectSent(BufferType type, Object context) {
        Sent s = assertInstanceOf(Sent.class, next());
        assertEquals(type, s.type());
        assertEquals(context, s.context());
        return s;
    }

    AutoPong expectAutoPong(byte[] payload) {
        AutoPong p = assertInstanceOf(AutoPong.class, next());
        assertTrue(Arrays.equals(payload, p.payload()), () -> "pong payload " + p);
        return p;
    }

    Failed expectFailed(int closeCode) {
        Failed f = assertInstanceOf(Failed.class, next());
        assertEquals(closeCode, f.exception().closeStatus().code(), () -> "close code of " + f.exception());
        return f;
    }

    void assertExhausted() {
        assertTrue(events.isEmpty(), () -> "unconsumed events: " + events);
        assertEquals(null, messageFamily, "a message was left incomplete");
    }
}
