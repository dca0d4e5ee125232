package dev.ferry.protocol.extension;

import dev.ferry.protocol.Action;
import dev.ferry.protocol.ActionQueue;
import dev.ferry.protocol.BufferType;
import dev.ferry.protocol.CloseStatus;
import dev.ferry.protocol.HandleProperties;
import dev.ferry.protocol.HandleState;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.protocol.WebSocketHandle;
import dev.ferry.protocol.WebSocketProtocolException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A client handle and a server handle that negotiated permessage-deflate through the public API, linked in
 * memory: each side's writes become the other's reads, and every byte written is kept for inspection.
 */
final class HandleLink {

    final Side client;
    final Side server;
    final List<HttpHeader> responseHeaders;

    private HandleLink(Side client, Side server, List<HttpHeader> responseHeaders) {
        this.client = client;
        this.server = server;
        this.responseHeaders = responseHeaders;
    }

    /** Runs the opening handshake with permessage-deflate offered by the client and selected by the server. */
    static HandleLink open(HandleProperties clientProperties, HandleProperties serverProperties) {
        WebSocketHandle client = WebSocketHandle.createClient(clientProperties);
        List<HttpHeader> request = new ArrayList<>(
                client.beginClientHandshake(List.of(), List.of(PerMessageDeflate.NAME), List.of()));
        request.add(new HttpHeader("Host", "127.0.0.1"));
        WebSocketHandle server = WebSocketHandle.createServer(serverProperties);
        List<HttpHeader> response = server.beginServerHandshake(null, List.of(PerMessageDeflate.NAME), request);
        server.endServerHandshake();
        client.endClientHandshake(response);
        return new HandleLink(new Side(client), new Side(server), response);
    }

    /** Steps both sides until neither makes progress. */
    void pump() {
        for (int steps = 0; client.step(server) | server.step(client); steps++) {
            if (steps > 10_000_000) {
                fail("no quiescence after " + steps + " steps");
            }
        }
    }

    /** A data message as the receiving application saw it, chunks joined. */
    record Message(boolean text, byte[] data) {
    }

    /** One side: its handle, what it read and wrote, and the sends it still has to issue. */
    static final class Side {
        final WebSocketHandle handle;
        final Deque<byte[]> inbound = new ArrayDeque<>();
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final List<Message> messages = new ArrayList<>();
        final List<CloseStatus> closes = new ArrayList<>();
        WebSocketProtocolException failure;
        /** The largest data chunk one IndicateReceiveComplete carried. */
        int largestChunk;

        private final Deque<Runnable> plannedSends = new ArrayDeque<>();
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private boolean sendOutstanding;
        private boolean receiving;
        private Action.ReceiveFromNetwork pendingRead;

        Side(WebSocketHandle handle) {
            this.handle = handle;
        }

        /** Queues a send, issued once every earlier one has completed. */
        Side send(BufferType type, byte[] data) {
            plannedSends.add(() -> handle.send(type, ByteBuffer.wrap(data), type));
            return this;
        }

        /** Keeps one receive queued from now on. */
        Side receiving() {
            receiving = true;
            handle.receive("receive");
            return this;
        }

        /** The frames this side wrote, parsed. */
        List<WireFrame> frames() {
            return WireFrame.parseAll(written.toByteArray());
        }

        boolean step(Side peer) {
            if (!sendOutstanding && !plannedSends.isEmpty() && failure == null) {
                sendOutstanding = true;
                plannedSends.poll().run();
                return true;
            }
            if (pendingRead != null) {
                if (inbound.isEmpty()) {
                    return poll(peer, ActionQueue.SEND);
                }
                Action.ReceiveFromNetwork read = pendingRead;
                pendingRead = null;
                handle.completeAction(read, read(read.buffer()));
                return true;
            }
            return poll(peer, ActionQueue.ALL);
        }

        private boolean poll(Side peer, ActionQueue queue) {
            Action action;
            try {
                action = handle.getAction(queue);
            } catch (WebSocketProtocolException e) {
                if (failure != null) {
                    fail("a violation must be thrown once, got a second: " + e);
                }
                failure = e;
                return true;
            }
            if (action instanceof Action.NoAction) {
                return false;
            } else if (action instanceof Action.SendToNetwork s) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                for (ByteBuffer buffer : s.buffers()) {
                    ByteBuffer view = buffer.duplicate();
                    while (view.hasRemaining()) {
                        bytes.write(view.get());
                    }
                }
                byte[] frame = bytes.toByteArray();
                written.writeBytes(frame);
                if (peer != null) {
                    peer.inbound.add(frame);
                }
                handle.completeAction(s, frame.length);
            } else if (action instanceof Action.ReceiveFromNetwork r) {
                if (inbound.isEmpty()) {
                    pendingRead = r;
                } else {
                    handle.completeAction(r, read(r.buffer()));
                }
            } else if (action instanceof Action.IndicateSendComplete c) {
                handle.completeAction(c, 0);
                sendOutstanding = false;
            } else if (action instanceof Action.IndicateReceiveComplete c) {
                deliver(c);
                handle.completeAction(c, 0);
                HandleState state = handle.state();
                if (receiving && c.bufferType() != BufferType.CLOSE
                        && (state == HandleState.OPEN || state == HandleState.CLOSE_SENT)) {
                    handle.receive("receive");
                }
            } else {
                throw new AssertionError(action);
            }
            return true;
        }

        private void deliver(Action.IndicateReceiveComplete indication) {
            ByteBuffer data = indication.data().duplicate();
            largestChunk = Math.max(largestChunk, data.remaining());
            switch (indication.bufferType()) {
                case UTF8_FRAGMENT, BINARY_FRAGMENT -> copy(data);
                case UTF8_MESSAGE, BINARY_MESSAGE -> {
                    copy(data);
                    messages.add(new Message(indication.bufferType() == BufferType.UTF8_MESSAGE, partial.toByteArray()));
                    partial.reset();
                }
                case CLOSE -> closes.add(indication.closeStatus());
                case PONG -> { }
                default -> throw new AssertionError("unexpected indication " + indication.bufferType());
            }
        }

        private void copy(ByteBuffer data) {
            while (data.hasRemaining()) {
                partial.write(data.get());
            }
        }

        private int read(ByteBuffer into) {
            int total = 0;
            while (into.hasRemaining() && !inbound.isEmpty()) {
                byte[] next = inbound.poll();
                int length = Math.min(next.length, into.remaining());
                into.put(next, 0, length);
                total += length;
                if (length < next.length) {
                    byte[] rest = new byte[next.length - length];
                    System.arraycopy(next, length, rest, 0, rest.length);
                    inbound.addFirst(rest);
                }
            }
            return total;
        }
    }

    /** One frame as it crossed the wire, payload unmasked. */
    record WireFrame(boolean fin, int rsv, int opcode, byte[] payload) {

        static List<WireFrame> parseAll(byte[] wire) {
            List<WireFrame> frames = new ArrayList<>();
            ByteBuffer in = ByteBuffer.wrap(wire);
            while (in.hasRemaining()) {
                int first = in.get() & 0xff;
                int second = in.get() & 0xff;
                long length = second & 0x7f;
                if (length == 126) {
                    length = in.getShort() & 0xffff;
                } else if (length == 127) {
                    length = in.getLong();
                }
                byte[] mask = new byte[4];
                boolean masked = (second & 0x80) != 0;
                if (masked) {
                    in.get(mask);
                }
                byte[] payload = new byte[Math.toIntExact(length)];
                in.get(payload);
                for (int i = 0; masked && i < payload.length; i++) {
                    payload[i] ^= mask[i & 3];
                }
                frames.add(new WireFrame((first & 0x80) != 0, (first >> 4) & 0x7, first & 0xf, payload));
            }
            return frames;
        }

        boolean isData() {
            return opcode <= 2;
        }
    }
}
