package dev.ferry.benchmarks;

import dev.ferry.protocol.Action;
import dev.ferry.protocol.ActionQueue;
import dev.ferry.protocol.BufferType;
import dev.ferry.protocol.HandleProperties;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.protocol.Role;
import dev.ferry.protocol.WebSocketHandle;
import dev.ferry.protocol.extension.PerMessageDeflate;
import dev.ferry.protocol.internal.Engine;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Ferry handles opened against each other through the public API only, and the two driver loops the
 * message benchmarks time: one whole message sent, one whole message received.
 */
final class FerryHandles {

    /**
     * The calls the driver loops make: the four of spec §8.1 and the two fused ones the handle adds
     * ({@link WebSocketHandle#completeAndGetAction}, {@link WebSocketHandle#completeAndReceive}).
     * {@link #of(WebSocketHandle)} is the public API; {@link #unlocked} calls the handle's engine directly,
     * without the handle's lock (spec J9), for one diagnostic benchmark that shows what that lock costs. Each JMH
     * fork uses one of them only.
     */
    interface Side {
        void send(BufferType type, ByteBuffer data, Object context);

        void receive(Object context);

        Action getAction(ActionQueue queue);

        void completeAction(Action action, long bytes);

        Action completeAndGetAction(Action action, long bytes, ActionQueue queue);

        Action completeAndReceive(Action.IndicateReceiveComplete received, Object context);

        void close();

        static Side of(WebSocketHandle handle) {
            return new Side() {
                public void send(BufferType type, ByteBuffer data, Object context) {
                    handle.send(type, data, context);
                }

                public void receive(Object context) {
                    handle.receive(context);
                }

                public Action getAction(ActionQueue queue) {
                    return handle.getAction(queue);
                }

                public void completeAction(Action action, long bytes) {
                    handle.completeAction(action, bytes);
                }

                public Action completeAndGetAction(Action action, long bytes, ActionQueue queue) {
                    return handle.completeAndGetAction(action, bytes, queue);
                }

                public Action completeAndReceive(Action.IndicateReceiveComplete received, Object context) {
                    return handle.completeAndReceive(received, context);
                }

                public void close() {
                    handle.close();
                }
            };
        }

        static Side unlocked(Engine engine) {
            return new Side() {
                public void send(BufferType type, ByteBuffer data, Object context) {
                    engine.send(type, data, context);
                }

                public void receive(Object context) {
                    engine.receive(context);
                }

                public Action getAction(ActionQueue queue) {
                    return engine.getAction(queue);
                }

                public void completeAction(Action action, long bytes) {
                    engine.completeAction(action, bytes);
                }

                public Action completeAndGetAction(Action action, long bytes, ActionQueue queue) {
                    return engine.completeAndGetAction(action, bytes, queue);
                }

                public Action completeAndReceive(Action.IndicateReceiveComplete received, Object context) {
                    return engine.completeAndReceive(received, context);
                }

                public void close() {
                    engine.close();
                }
            };
        }
    }

    /** A client and a server after a handshake between them. */
    record Pair(Side client, Side server) {
        Side get(boolean server) {
            return server ? this.server : client;
        }
    }

    private FerryHandles() {
    }

    /** Default properties, with permessage-deflate (its defaults: context takeover, default level) or not. */
    static HandleProperties properties(boolean deflate) {
        return HandleProperties.builder()
                .extensions(deflate ? List.of(PerMessageDeflate.defaults()) : List.of())
                .build();
    }

    /** Two handles, through the public API. */
    static Pair open(boolean deflate) {
        HandleProperties properties = properties(deflate);
        List<String> extensions = deflate ? List.of(PerMessageDeflate.NAME) : List.of();
        WebSocketHandle client = WebSocketHandle.createClient(properties);
        WebSocketHandle server = WebSocketHandle.createServer(properties);
        List<HttpHeader> request = new ArrayList<>();
        request.add(new HttpHeader("Host", "127.0.0.1"));
        request.addAll(client.beginClientHandshake(List.of(), extensions, List.of()));
        List<HttpHeader> response = server.beginServerHandshake(null, extensions, request);
        server.endServerHandshake();
        client.endClientHandshake(response);
        return new Pair(Side.of(client), Side.of(server));
    }

    /** Two engines without the handle's lock (diagnostic only: the handle is the API). */
    static Pair openUnlocked(boolean deflate) {
        Engine[] engines = openEngines(deflate);
        return new Pair(Side.unlocked(engines[0]), Side.unlocked(engines[1]));
    }

    /** A client engine and a server engine after a handshake between them (diagnostic only). */
    private static Engine[] openEngines(boolean deflate) {
        HandleProperties properties = properties(deflate);
        List<String> extensions = deflate ? List.of(PerMessageDeflate.NAME) : List.of();
        Engine client = new Engine(Role.CLIENT, properties, new SecureRandom());
        Engine server = new Engine(Role.SERVER, properties, new SecureRandom());
        List<HttpHeader> request = new ArrayList<>();
        request.add(new HttpHeader("Host", "127.0.0.1"));
        request.addAll(client.beginClientHandshake(List.of(), extensions, List.of()));
        List<HttpHeader> response = server.beginServerHandshake(null, extensions, request);
        server.endServerHandshake();
        client.endClientHandshake(response);
        return new Engine[] {client, server};
    }

    /**
     * Sends {@code payload} as one binary message and drives the send queue until its completion, with the
     * fused call: {@code send}, {@code getAction}, then {@code completeAndGetAction} per write, then
     * {@code completeAction} of the indication (four locked calls for a one-frame message). The "write" reports
     * every byte written; {@code wire}, when not null, receives a copy of them.
     *
     * @return the number of bytes that went to the wire
     */
    static long sendMessage(Side handle, ByteBuffer payload, ByteBuffer wire) {
        handle.send(BufferType.BINARY_MESSAGE, payload, null);
        long written = 0;
        Action action = handle.getAction(ActionQueue.SEND);
        while (true) {
            if (action instanceof Action.SendToNetwork send) {
                written += write(send, wire);
                action = handle.completeAndGetAction(send, send.totalBytes(), ActionQueue.SEND);
            } else if (action instanceof Action.IndicateSendComplete complete) {
                handle.completeAction(complete, 0);
                return written;
            } else {
                throw new IllegalStateException("expected SEND_TO_NETWORK or INDICATE_SEND_COMPLETE, got " + action);
            }
        }
    }

    /** Diagnostic: {@link #sendMessage} with the calls of spec §8.1 only (five locked calls for one frame). */
    static long sendMessageUnfused(Side handle, ByteBuffer payload, ByteBuffer wire) {
        handle.send(BufferType.BINARY_MESSAGE, payload, null);
        long written = 0;
        while (true) {
            Action action = handle.getAction(ActionQueue.SEND);
            if (action instanceof Action.SendToNetwork send) {
                written += write(send, wire);
                handle.completeAction(send, send.totalBytes());
            } else if (action instanceof Action.IndicateSendComplete complete) {
                handle.completeAction(complete, 0);
                return written;
            } else {
                throw new IllegalStateException("expected SEND_TO_NETWORK or INDICATE_SEND_COMPLETE, got " + action);
            }
        }
    }

    /** The "write": counts the action's bytes and copies them to {@code wire} when it is not null. */
    private static long write(Action.SendToNetwork send, ByteBuffer wire) {
        long written = 0;
        List<ByteBuffer> buffers = send.buffers();
        for (int i = 0; i < buffers.size(); i++) {
            ByteBuffer buffer = buffers.get(i);
            written += buffer.remaining();
            if (wire != null) {
                wire.put(buffer.duplicate());
            }
        }
        return written;
    }

    /**
     * A receive loop that goes on from one message to the next, as a driver's does: the last chunk of a message
     * is completed with {@link Side#completeAndReceive}, which queues the next receive and hands back its first
     * action, kept here for the next message.
     */
    static final class Receiver {
        private final Side handle;
        private Action next;

        Receiver(Side handle) {
            this.handle = handle;
        }

        Side handle() {
            return handle;
        }
    }

    /**
     * Receives one binary message whose bytes are {@code wire}'s remaining bytes, reading them into the
     * handle as a socket would, until the chunk that ends the message. Fused calls: per read
     * {@code completeAndGetAction(read, n, RECEIVE)}, per chunk {@code completeAndReceive(chunk, null)}, so a
     * one-read, one-chunk message is two locked calls.
     *
     * @return the number of message bytes delivered
     */
    static long receiveMessage(Receiver receiver, ByteBuffer wire) {
        Side handle = receiver.handle;
        Action action = receiver.next;
        if (action == null) {
            handle.receive(null);
            action = handle.getAction(ActionQueue.RECEIVE);
        }
        long delivered = 0;
        while (true) {
            if (action instanceof Action.ReceiveFromNetwork read) {
                action = handle.completeAndGetAction(read, read(read, wire), ActionQueue.RECEIVE);
            } else if (action instanceof Action.IndicateReceiveComplete chunk) {
                delivered += chunk.data().remaining();
                BufferType type = chunk.bufferType();
                action = handle.completeAndReceive(chunk, null);
                if (type == BufferType.BINARY_MESSAGE) {
                    receiver.next = action;
                    return delivered;
                }
                if (type != BufferType.BINARY_FRAGMENT) {
                    throw new IllegalStateException("expected a binary message, got " + type);
                }
            } else {
                throw new IllegalStateException("expected RECEIVE_FROM_NETWORK or INDICATE_RECEIVE_COMPLETE, got "
                        + action);
            }
        }
    }

    /**
     * Diagnostic: {@link #receiveMessage} with the calls of spec §8.1 only: {@code receive}, then
     * {@code getAction}/{@code completeAction} until {@code BINARY_MESSAGE}, one {@code receive} per chunk (five
     * locked calls for a one-read, one-chunk message).
     */
    static long receiveMessageUnfused(Side handle, ByteBuffer wire) {
        long delivered = 0;
        handle.receive(null);
        while (true) {
            Action action = handle.getAction(ActionQueue.RECEIVE);
            if (action instanceof Action.ReceiveFromNetwork read) {
                handle.completeAction(read, read(read, wire));
            } else if (action instanceof Action.IndicateReceiveComplete chunk) {
                ByteBuffer data = chunk.data();
                delivered += data.remaining();
                BufferType type = chunk.bufferType();
                handle.completeAction(chunk, 0);
                if (type == BufferType.BINARY_MESSAGE) {
                    return delivered;
                }
                if (type != BufferType.BINARY_FRAGMENT) {
                    throw new IllegalStateException("expected a binary message, got " + type);
                }
                handle.receive(null);
            } else {
                throw new IllegalStateException("expected RECEIVE_FROM_NETWORK or INDICATE_RECEIVE_COMPLETE, got "
                        + action);
            }
        }
    }

    /** The "socket read": as many of {@code wire}'s bytes as fit into the read's buffer; returns the count. */
    private static int read(Action.ReceiveFromNetwork read, ByteBuffer wire) {
        ByteBuffer into = read.buffer();
        int count = Math.min(into.remaining(), wire.remaining());
        if (count == 0) {
            throw new IllegalStateException("expected the rest of a message, got the end of the input");
        }
        into.put(into.position(), wire, wire.position(), count);
        wire.position(wire.position() + count);
        return count;
    }

    /** The wire bytes of one binary message of {@code payload} as {@code sender} sends it. */
    static ByteBuffer wireOf(Side sender, byte[] payload) {
        ByteBuffer wire = ByteBuffer.allocate(payload.length + payload.length / 2 + 64);
        sendMessage(sender, ByteBuffer.wrap(payload), wire);
        return wire.flip();
    }
}
