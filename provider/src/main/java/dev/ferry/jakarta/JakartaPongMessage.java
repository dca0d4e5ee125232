package dev.ferry.jakarta;

import jakarta.websocket.PongMessage;
import java.nio.ByteBuffer;

/** A received Pong: {@link #getApplicationData()} returns a read-only view of a private copy. Immutable. */
record JakartaPongMessage(ByteBuffer data) implements PongMessage {

    static JakartaPongMessage copyOf(ByteBuffer source) {
        return new JakartaPongMessage(ByteBuffer.allocate(source.remaining()).put(source.duplicate()).flip());
    }

    @Override
    public ByteBuffer getApplicationData() {
        return data.asReadOnlyBuffer();
    }
}
