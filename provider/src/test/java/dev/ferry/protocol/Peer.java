package dev.ferry.protocol;

import dev.ferry.protocol.frame.FrameParser;
import dev.ferry.protocol.frame.Masking;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * One side of an in-memory connection: drives a handle's actions against byte queues, records what it
 * reports, keeps a receive queued when asked to, and issues planned sends one at a time.
 */
final class Peer {

    final WebSocketHandle handle;
    final ActionRecorder recorder = new ActionRecorder();
    final ByteQueue inbound = new ByteQueue();
    /** Every frame this side wrote, as written (a frame written in several actions is joined). */
    final List<byte[]> written = new ArrayList<>();
    private byte[] unframed = new byte[0];
    final Deque<Consumer<WebSocketHandle>> plan = new ArrayDeque<>();
    boolean autoReceive;
    boolean endOfStream;
    int maxRead = Integer.MAX_VALUE;
    ActionQueue queue = ActionQueue.ALL;
    private Action.ReceiveFromNetwork pendingRead;
    private boolean sendOutstanding;
    private int receives;

    Peer(WebSocketHandle handle) {
        this.handle = handle;
    }

    /** Starts keeping one receive queued (the receive context counts up from 0). */
    Peer autoReceive() {
        autoReceive = true;
        handle.receive(receives++);
        return this;
    }

    /** Queues a send to issue once every earlier one completed. */
    Peer then(Consumer<WebSocketHandle> send) {
        plan.add(send);
        kick();
        return this;
    }

    void kick() {
        if (!sendOutstanding && !plan.isEmpty()) {
            sendOutstanding = true;
            plan.poll().accept(handle);
        }
    }

    /** One step; returns whether anything happened. */
    boolean step(Peer other) {
        if (pendingRead != null) {
            if (inbound.size() == 0 && !endOfStream) {
                return pollOnce(other, queue == ActionQueue.ALL ? ActionQueue.SEND : null);
            }
            Action.ReceiveFromNetwork r = pendingRead;
            pendingRead = null;
            handle.completeAction(r, inbound.read(r.buffer(), maxRead));
            return true;
        }
        return pollOnce(other, queue);
    }

    private boolean pollOnce(Peer other, ActionQueue q) {
        if (q == null) {
            return false;
        }
        Action action;
        try {
            action = handle.getAction(q);
        } catch (WebSocketProtocolException e) {
            recorder.failed(e);
            return true;
        }
        if (action instanceof Action.NoAction) {
            return false;
        } else if (action instanceof Action.SendToNetwork s) {
            ByteQueue wire = new ByteQueue();
            long total = 0;
            for (ByteBuffer b : s.buffers()) {
                total += b.remaining();
                wire.add(b.duplicate());
            }
            byte[] bytes = wire.drain();
            collectFrames(bytes);
            if (s.context() == null && s.bufferType() == BufferType.PONG) {
                recorder.autoPong(payloadOf(bytes));
            }
            if (other != null) {
                other.inbound.add(bytes);
            }
            handle.completeAction(s, total);
        } else if (action instanceof Action.ReceiveFromNetwork r) {
            if (inbound.size() > 0 || endOfStream) {
                handle.completeAction(r, inbound.read(r.buffer(), maxRead));
            } else {
                pendingRead = r;
            }
        } else if (action instanceof Action.IndicateSendComplete c) {
            recorder.sent(c);
            handle.completeAction(c, 0);
            sendOutstanding = false;
            kick();
        } else if (action instanceof Action.IndicateReceiveComplete c) {
            recorder.received(c);
            handle.completeAction(c, 0);
            HandleState state = handle.state();
            if (autoReceive && c.bufferType() != BufferType.CLOSE
                    && (state == HandleState.OPEN || state == HandleState.CLOSE_SENT)) {
                handle.receive(receives++);
            }
        } else {
            throw new AssertionError(action);
        }
        return true;
    }

    /** Adds the frames {@code bytes} completes to {@link #written}. */
    private void collectFrames(byte[] bytes) {
        byte[] all = Arrays.copyOf(unframed, unframed.length + bytes.length);
        System.arraycopy(bytes, 0, all, unframed.length, bytes.length);
        FrameParser parser = new FrameParser(Role.CLIENT, true);
        parser.allowRsv(7);
        int start = 0;
        while (true) {
            int header = parser.parse(ByteBuffer.wrap(all), start, all.length);
            if (header == 0 || all.length - start - header < parser.payloadLength()) {
                break;
            }
            int end = start + header + (int) parser.payloadLength();
            written.add(Arrays.copyOfRange(all, start, end));
            start = end;
        }
        unframed = Arrays.copyOfRange(all, start, all.length);
    }

    /** The unmasked payload of one whole frame. */
    static byte[] payloadOf(byte[] frame) {
        FrameParser parser = new FrameParser(Role.CLIENT, true);
        ByteBuffer buffer = ByteBuffer.wrap(frame.clone());
        int header = parser.parse(buffer, 0, frame.length);
        Masking.maskInPlace(buffer, header, frame.length, parser.maskKey(), 0);
        byte[] payload = new byte[frame.length - header];
        buffer.get(header, payload);
        return payload;
    }
}
