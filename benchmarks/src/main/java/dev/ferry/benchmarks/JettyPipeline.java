package dev.ferry.benchmarks;

import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.Behavior;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Extension;
import org.eclipse.jetty.websocket.core.ExtensionConfig;
import org.eclipse.jetty.websocket.core.ExtensionStack;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.Negotiated;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.OutgoingEntry;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;
import org.eclipse.jetty.websocket.core.internal.Generator;
import org.eclipse.jetty.websocket.core.internal.Parser;
import org.eclipse.jetty.websocket.core.util.DemandChain;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Jetty 12's websocket-core frame path, driven the way its connection drives it, without a socket: the
 * counterpart of a Ferry handle in the message benchmarks.
 *
 * <p>Send (as {@code WebSocketCoreSession.sendFrame} and {@code FrameFlusher}): a {@code Frame} per message,
 * a fresh random mask for a client, through permessage-deflate when negotiated, then each frame's header
 * into a pooled header buffer and its payload either as a slice (server) or masked into a pooled buffer
 * (client); the pooled buffers go back to the pool once "written".
 *
 * <p>Receive (as {@code WebSocketConnection}): bytes are copied into a network buffer of the same size as
 * Ferry's receive buffer (4096, Jetty's default input buffer size too), parsed into frames (auto-fragmenting
 * a frame that spans reads, Jetty's default), then passed through permessage-deflate when negotiated.
 *
 * <p>What is left out makes Jetty's numbers better, not worse: the session's frame sequence and UTF-8
 * checks, the flusher's queue and locks, and the callbacks' dispatch.
 */
final class JettyPipeline {

    private static final int NETWORK_BUFFER_SIZE = 4096;

    private final boolean client;
    private final ByteBufferPool pool;
    private final Generator generator = new Generator();
    private final Parser parser;
    private final ByteBuffer network = ByteBuffer.allocate(NETWORK_BUFFER_SIZE);
    private final WebSocketComponents components;
    private final Extension deflate;

    private long sent;
    private long delivered;
    private boolean messageEnded;

    JettyPipeline(boolean client, boolean deflate) {
        this.client = client;
        this.components = new WebSocketComponents();
        try {
            components.start();
        } catch (Exception e) {
            throw new IllegalStateException("expected Jetty's WebSocketComponents to start, got " + e, e);
        }
        this.pool = components.getByteBufferPool();
        Behavior behavior = client ? Behavior.CLIENT : Behavior.SERVER;
        ExtensionStack stack = new ExtensionStack(components, behavior);
        stack.setLastDemand(() -> { });
        List<ExtensionConfig> configs = deflate ? List.of(ExtensionConfig.parse("permessage-deflate")) : List.of();
        stack.negotiate(configs, configs);
        WebSocketCoreSession session = new WebSocketCoreSession(new IgnoringHandler(), behavior,
                Negotiated.from(stack), components);
        this.parser = new Parser(pool, session);
        this.deflate = deflate ? stack.getExtensions().get(0) : null;
        if (this.deflate != null) {
            this.deflate.setNextIncomingFrames(this::deliver);
            this.deflate.setNextOutgoingFrames(this::flush);
            stack.demand();
        }
    }

    /** Sends one binary message; returns the bytes that went to the wire. */
    long send(ByteBuffer payload) {
        sent = 0;
        Frame frame = new Frame(OpCode.BINARY, true, payload.slice());
        if (client) {
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            frame.setMask(mask);
        }
        if (deflate == null) {
            flush(frame);
        } else {
            deflate.sendFrame(frame, Callback.NOOP, false);
        }
        return sent;
    }

    private void flush(OutgoingEntry entry) {
        flush(entry.getFrame());
        entry.getCallback().succeeded();
    }

    private void flush(Frame frame) {
        RetainableByteBuffer header = pool.acquire(Generator.MAX_HEADER_LENGTH, false);
        generator.generateHeader(frame, header.getByteBuffer());
        sent += header.getByteBuffer().remaining();
        ByteBuffer payload = frame.getPayload();
        if (payload != null && payload.hasRemaining()) {
            if (frame.isMasked()) {
                RetainableByteBuffer masked = pool.acquire(frame.getPayloadLength(), false);
                generator.generatePayload(frame, masked.getByteBuffer());
                sent += masked.getByteBuffer().remaining();
                masked.release();
            } else {
                sent += payload.slice().remaining();
            }
        }
        header.release();
    }

    /** Receives one binary message from {@code wire}'s remaining bytes; returns the message bytes delivered. */
    long receive(ByteBuffer wire) {
        delivered = 0;
        messageEnded = false;
        while (wire.hasRemaining()) {
            int count = Math.min(network.capacity(), wire.remaining());
            network.clear();
            network.put(0, wire, wire.position(), count);
            network.limit(count);
            wire.position(wire.position() + count);
            Frame frame;
            while ((frame = parser.parse(network)) != null) {
                if (deflate == null) {
                    deliver(frame, Callback.NOOP);
                } else {
                    deflate.onFrame(frame, Callback.NOOP);
                }
            }
        }
        if (!messageEnded) {
            throw new IllegalStateException("expected the input to end a message, got " + delivered + " bytes without FIN");
        }
        return delivered;
    }

    private void deliver(Frame frame, Callback callback) {
        delivered += frame.getPayloadLength();
        messageEnded = frame.isFin();
        callback.succeeded();
        if (deflate != null) {
            // An auto-demanding session demands the next frame once the handler's callback completed.
            ((DemandChain) deflate).demand();
        }
    }

    void stop() {
        try {
            components.stop();
        } catch (Exception e) {
            throw new IllegalStateException("expected Jetty's WebSocketComponents to stop, got " + e, e);
        }
    }

    /** The frame handler a session needs to exist; the pipeline delivers frames itself. */
    private static final class IgnoringHandler implements FrameHandler {
        @Override
        public void onOpen(CoreSession coreSession, Callback callback) {
            callback.succeeded();
        }

        @Override
        public void onFrame(Frame frame, Callback callback) {
            callback.succeeded();
        }

        @Override
        public void onError(Throwable cause, Callback callback) {
            callback.succeeded();
        }

        @Override
        public void onClosed(CloseStatus closeStatus, Callback callback) {
            callback.succeeded();
        }
    }
}
