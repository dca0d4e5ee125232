package dev.ferry.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * One side of an in-memory connection driven the way a real driver is, with the send and receive pipelines
 * polled separately, in one of two styles: {@link Style#UNFUSED} makes only the calls of spec §8.1
 * ({@code completeAction} then {@code getAction}; {@code completeAction}, {@code receive}, {@code getAction}),
 * {@link Style#FUSED} makes the same steps with {@link WebSocketHandle#completeAndGetAction} and
 * {@link WebSocketHandle#completeAndReceive}. Everything the handle hands out goes into {@link #trace} (type,
 * buffer type, context, bytes, close status, and each violation), and every byte written into {@link #wire},
 * so two runs can be compared entry by entry. Reads take a seeded random number of bytes.
 */
final class FusedDriver {

    enum Style { UNFUSED, FUSED }

    final WebSocketHandle handle;
    final Style style;
    final List<String> trace = new ArrayList<>();
    final ByteArrayOutputStream wire = new ByteArrayOutputStream();
    final ByteQueue inbound = new ByteQueue();
    /** Sends to issue one at a time, in order; a side answers the peer's Close by putting its own first. */
    final Deque<Consumer<WebSocketHandle>> plan = new ArrayDeque<>();
    /** Whole data messages received, joined from their chunks. */
    final List<byte[]> messages = new ArrayList<>();
    private final ByteArrayOutputStream message = new ByteArrayOutputStream();
    private final Random reads;
    private FusedDriver peer;
    private Action receiveAction;
    private Action sendAction;
    private boolean receiving;
    private boolean sendOutstanding;
    private boolean closeSent;
    private boolean failed;
    private int receiveContext;

    FusedDriver(WebSocketHandle handle, Style style, long readSeed) {
        this.handle = handle;
        this.style = style;
        this.reads = new Random(readSeed);
    }

    /** Connects two sides and queues the first receive of each. */
    static void connect(FusedDriver a, FusedDriver b) {
        a.peer = b;
        b.peer = a;
        a.startReceiving();
        b.startReceiving();
    }

    private void startReceiving() {
        receiving = true;
        handle.receive(receiveContext++);
    }

    /** Steps both sides until neither makes progress; fails after {@code limit} rounds. */
    static void pump(FusedDriver a, FusedDriver b, int limit) {
        for (int round = 0; round < limit; round++) {
            boolean progress = a.step() | b.step();
            if (!progress) {
                return;
            }
        }
        throw new AssertionError("no quiescence after " + limit + " rounds");
    }

    boolean step() {
        boolean progress = false;
        if (!sendOutstanding && !plan.isEmpty() && !failed) {
            sendOutstanding = true;
            plan.poll().accept(handle);
            progress = true;
        }
        progress |= stepSend();
        progress |= stepReceive();
        return progress;
    }

    private boolean stepSend() {
        if (sendAction == null || sendAction instanceof Action.NoAction) {
            sendAction = handle.getAction(ActionQueue.SEND);
            if (sendAction instanceof Action.NoAction) {
                return false;
            }
            record(sendAction);
        }
        if (sendAction instanceof Action.SendToNetwork s) {
            sendAction = completeThenGet(s, write(s), ActionQueue.SEND);
        } else if (sendAction instanceof Action.IndicateSendComplete c) {
            sendOutstanding = false;
            if (c.bufferType() == BufferType.CLOSE) {
                closeSent = true;
            }
            sendAction = completeThenGet(c, 0, ActionQueue.SEND);
        } else {
            throw new AssertionError("the send pipeline handed out " + sendAction);
        }
        return true;
    }

    private boolean stepReceive() {
        if (!receiving) {
            return false;
        }
        if (receiveAction == null || receiveAction instanceof Action.NoAction) {
            try {
                receiveAction = handle.getAction(ActionQueue.RECEIVE);
            } catch (WebSocketProtocolException e) {
                violated(e);
                return true;
            }
            if (receiveAction instanceof Action.NoAction) {
                return false;
            }
            record(receiveAction);
        }
        try {
            if (receiveAction instanceof Action.ReceiveFromNetwork r) {
                if (inbound.size() == 0) {
                    return false;
                }
                int n = inbound.read(r.buffer(), 1 + reads.nextInt(300));
                receiveAction = completeThenGet(r, n, ActionQueue.RECEIVE);
            } else if (receiveAction instanceof Action.SendToNetwork s) {
                receiveAction = completeThenGet(s, write(s), ActionQueue.RECEIVE);
            } else if (receiveAction instanceof Action.IndicateReceiveComplete c) {
                received(c);
            } else {
                throw new AssertionError("the receive pipeline handed out " + receiveAction);
            }
        } catch (WebSocketProtocolException e) {
            violated(e);
        }
        return true;
    }

    private void received(Action.IndicateReceiveComplete c) {
        byte[] data = new byte[c.data().remaining()];
        c.data().duplicate().get(data);
        if (c.bufferType().isData()) {
            message.writeBytes(data);
            if (c.bufferType().isFinal()) {
                messages.add(message.toByteArray());
                message.reset();
            }
        }
        if (c.bufferType() == BufferType.CLOSE) {
            handle.completeAction(c, 0);
            receiving = false;
            receiveAction = null;
            if (!closeSent && c.closeStatus().code() != CloseStatus.ABORTED.code()) {
                CloseStatus status = c.closeStatus();
                plan.clear(); // nothing may follow our Close (RFC 6455 §5.5.1)
                plan.addFirst(h -> h.sendClose(status.code() == CloseStatus.EMPTY.code() ? null
                        : new CloseStatus(status.code(), ""), "echo"));
            }
            return;
        }
        receiveAction = completeThenReceive(c, receiveContext++);
    }

    private void violated(WebSocketProtocolException e) {
        trace.add("violation " + e.getClass().getSimpleName() + " " + e.closeStatus() + " " + e.getMessage()
                + " state " + handle.state());
        failed = true;
        receiving = false;
        receiveAction = null;
        plan.clear();
    }

    private Action completeThenGet(Action action, long bytes, ActionQueue queue) {
        Action next;
        if (style == Style.FUSED) {
            next = handle.completeAndGetAction(action, bytes, queue);
        } else {
            handle.completeAction(action, bytes);
            next = handle.getAction(queue);
        }
        record(next);
        return next;
    }

    private Action completeThenReceive(Action.IndicateReceiveComplete chunk, Object context) {
        Action next;
        if (style == Style.FUSED) {
            next = handle.completeAndReceive(chunk, context);
        } else {
            handle.completeAction(chunk, 0);
            handle.receive(context);
            next = handle.getAction(ActionQueue.RECEIVE);
        }
        record(next);
        return next;
    }

    private long write(Action.SendToNetwork s) {
        long total = 0;
        for (ByteBuffer b : s.buffers()) {
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            wire.writeBytes(bytes);
            peer.inbound.add(ByteBuffer.wrap(bytes));
            total += bytes.length;
        }
        return total;
    }

    private void record(Action action) {
        trace.add(describe(action) + " state " + handle.state());
    }

    /** An action as text: kind, buffer type, context, the bytes of every buffer, close status. */
    static String describe(Action action) {
        HexFormat hex = HexFormat.of();
        if (action instanceof Action.NoAction) {
            return "NO_ACTION";
        } else if (action instanceof Action.SendToNetwork s) {
            StringBuilder b = new StringBuilder("SEND_TO_NETWORK " + s.bufferType() + " ctx=" + s.context());
            for (ByteBuffer buffer : s.buffers()) {
                b.append(' ').append(hexOf(hex, buffer));
            }
            return b.toString();
        } else if (action instanceof Action.ReceiveFromNetwork r) {
            return "RECEIVE_FROM_NETWORK ctx=" + r.context() + " room=" + r.buffer().remaining();
        } else if (action instanceof Action.IndicateSendComplete c) {
            return "INDICATE_SEND_COMPLETE " + c.bufferType() + " ctx=" + c.context();
        } else if (action instanceof Action.IndicateReceiveComplete c) {
            return "INDICATE_RECEIVE_COMPLETE " + c.bufferType() + " ctx=" + c.context() + " " + hexOf(hex, c.data())
                    + " " + c.closeStatus();
        }
        throw new AssertionError(action);
    }

    private static String hexOf(HexFormat hex, ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return hex.formatHex(bytes);
    }
}
