package dev.ferry.protocol;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * What {@link WebSocketHandle#getAction} hands out. Every action but {@link #NO_ACTION} must be
 * completed exactly once with {@link WebSocketHandle#completeAction}. Buffers inside an action are on
 * loan until that completion: a caller's own send payload (read-only slice) or the handle's memory.
 */
public sealed interface Action {

    /** The one {@link NoAction}. */
    Action NO_ACTION = new NoAction();

    /** The kind of this action. */
    ActionType type();

    /** The context of the owning operation; null for {@link NoAction} and for automatic pongs. */
    Object context();

    /** Nothing to do on the polled pipeline now. */
    record NoAction() implements Action {
        @Override
        public ActionType type() {
            return ActionType.NO_ACTION;
        }

        @Override
        public Object context() {
            return null;
        }
    }

    /**
     * Write every buffer, in order, fully; then complete with the total number of bytes written.
     * A shorter count cancels the send and the outgoing stream is then corrupt: abort.
     */
    record SendToNetwork(BufferType bufferType, List<ByteBuffer> buffers, Object context) implements Action {
        public SendToNetwork {
            Objects.requireNonNull(bufferType, "bufferType");
            buffers = List.copyOf(buffers);
        }

        @Override
        public ActionType type() {
            return ActionType.SEND_TO_NETWORK;
        }

        /**
         * The frame's length in bytes: what a complete write reports. The handle hands out buffers that
         * start at position 0, so this is the sum of their limits, and it stays right after the buffers
         * were written (their positions advanced).
         */
        public long totalBytes() {
            long total = 0;
            for (int i = 0; i < buffers.size(); i++) { // indexed: called per frame, and an iterator is an object
                total += buffers.get(i).limit();
            }
            return total;
        }
    }

    /** Read at most {@code buffer.remaining()} bytes into {@code buffer}; complete with the count (0 = EOF). */
    record ReceiveFromNetwork(ByteBuffer buffer, Object context) implements Action {
        public ReceiveFromNetwork {
            Objects.requireNonNull(buffer, "buffer");
        }

        @Override
        public ActionType type() {
            return ActionType.RECEIVE_FROM_NETWORK;
        }
    }

    /** The send queued with this context is finished; its payload may be reused. Complete with 0. */
    record IndicateSendComplete(BufferType bufferType, Object context) implements Action {
        public IndicateSendComplete {
            Objects.requireNonNull(bufferType, "bufferType");
        }

        @Override
        public ActionType type() {
            return ActionType.INDICATE_SEND_COMPLETE;
        }
    }

    /**
     * The receive queued with this context is finished. {@code data} is a read-only view of the handle's
     * memory, valid until completion (empty for CLOSE); {@code closeStatus} is set for CLOSE only.
     */
    record IndicateReceiveComplete(BufferType bufferType, ByteBuffer data, CloseStatus closeStatus,
                                   Object context) implements Action {
        public IndicateReceiveComplete {
            Objects.requireNonNull(bufferType, "bufferType");
            Objects.requireNonNull(data, "data");
            if ((bufferType == BufferType.CLOSE) != (closeStatus != null)) {
                throw new IllegalArgumentException("closeStatus is set for CLOSE and only for CLOSE, got "
                        + bufferType + " with " + closeStatus);
            }
        }

        @Override
        public ActionType type() {
            return ActionType.INDICATE_RECEIVE_COMPLETE;
        }
    }
}
