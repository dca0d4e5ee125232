package dev.ferry.jakarta.pojo;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;

import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;

/**
 * Runs one instance of an annotated endpoint as a programmatic {@link Endpoint}: at open it registers one
 * {@link MessageHandler} per {@code @OnMessage} method on the session, applies each method's
 * {@code maxMessageSize} (to the session's text or binary limit for whole messages, by counting the parts of a
 * partial one, by counting what a {@code Reader} or {@code InputStream} method reads, see {@link LimitedStreams},
 * and through {@link SizeLimitedHandler} for a parameter a stream decoder reads; either way a larger message closes
 * the session with 1009, RFC 6455 §7.4.1). The limit is in bytes, UTF-8 for text, for every form: the annotation
 * says bytes, and so does the container's default text buffer size. The annotation's Javadoc applies it to whole
 * messages only; Ferry bounds the partial and streamed forms too, so that a declared limit always holds. It calls
 * {@code @OnOpen}; then it calls {@code @OnClose} and {@code @OnError} as the session
 * reports those events. A non-void {@code @OnMessage} result is sent back on the session's basic remote:
 * {@code String} as text, {@code byte[]} and {@code ByteBuffer} as binary, anything else through
 * {@code sendObject} (the session's encoders, including the built-in ones for primitives and their boxes).
 *
 * <p>Errors: anything an annotated method throws, a path parameter that cannot be converted
 * ({@code DecodeException}), or a result that cannot be sent goes to the {@code @OnError} method (WSC-5.2.2-2), as do
 * the errors the session reports through {@link #onError} (protocol violations, decoder failures). Without an
 * {@code @OnError} method the error is logged and the session goes on: the spec reads a missing error handler as
 * the developer not wishing to handle such errors, and asks only that the container keep the information for later
 * analysis (WSC-5.2.2-3); Tomcat and Tyrus do the same. An error thrown by the {@code @OnError} method itself is
 * logged (WSC-5.2.2-4).
 *
 * <p>Thread contract: the session delivers events one at a time (Jakarta WebSocket 2.2 §5.1), so this class does
 * no locking; {@link #onOpen} happens before every other event.
 */
public final class AnnotatedEndpoint extends Endpoint {

    private static final System.Logger LOG = System.getLogger(AnnotatedEndpoint.class.getName());

    private final EndpointModel model;
    private final Object instance;
    private Session session;
    private EndpointConfig config;
    private Map<String, String> pathParameters = Map.of();
    /** The event of {@code @OnOpen} and of every message (with the message), made by {@link #onOpen}. */
    private EndpointMethod.Event connectionEvent;

    /**
     * @param model    the class's model
     * @param instance the endpoint instance for this connection, an instance of {@code model.type()}
     */
    public AnnotatedEndpoint(EndpointModel model, Object instance) {
        this.model = Objects.requireNonNull(model, "model");
        this.instance = Objects.requireNonNull(instance, "instance");
        if (!model.type().isInstance(instance)) {
            throw new IllegalArgumentException("expected an instance of " + model.type().getName() + ", got "
                    + instance.getClass().getName());
        }
    }

    /** The annotated instance this endpoint drives. */
    public Object instance() {
        return instance;
    }

    /** The model this endpoint runs. */
    public EndpointModel model() {
        return model;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        this.session = session;
        this.config = config;
        Map<String, String> parameters = session.getPathParameters();
        this.pathParameters = parameters == null ? Map.of() : parameters;
        this.connectionEvent = event(null, null);
        for (MessageMethod message : model.messages()) {
            register(message);
        }
        model.onOpen().ifPresent(method -> callApplication(method, connectionEvent));
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        model.onClose().ifPresent(method -> callApplication(method, event(closeReason, null)));
    }

    @Override
    public void onError(Session session, Throwable error) {
        if (model.onError().isPresent()) {
            callErrorHandler(error);
        } else {
            LOG.log(System.Logger.Level.WARNING, () -> "endpoint " + model.type().getName() + " of session "
                    + session.getId() + " has no @OnError method; error: " + error, error);
        }
    }

    private void register(MessageMethod message) {
        if (message.kinds().contains(MessageKind.TEXT) && message.maxMessageSize() > 0) {
            session.setMaxTextMessageBufferSize(clamp(message.maxMessageSize()));
        }
        if (message.kinds().contains(MessageKind.BINARY) && message.maxMessageSize() > 0) {
            session.setMaxBinaryMessageBufferSize(clamp(message.maxMessageSize()));
        }
        if (message.partial()) {
            addPartial(message.payloadType(), message);
        } else {
            addWhole(message.payloadType(), message);
        }
    }

    private <T> void addWhole(Class<T> type, MessageMethod message) {
        if (message.maxMessageSize() > 0 && (type == Reader.class || type == InputStream.class)) {
            // The session's buffer limits bound buffered messages only; a stream is counted as it is read.
            Runnable exceeded = () -> tooBig(message);
            session.addMessageHandler(type, (MessageHandler.Whole<T>) payload -> deliver(message,
                    payload instanceof Reader reader ? LimitedStreams.limit(reader, message.maxMessageSize(), exceeded)
                            : LimitedStreams.limit((InputStream) payload, message.maxMessageSize(), exceeded), true));
            return;
        }
        if (message.maxMessageSize() > 0) {
            // For a stream decoder's parameter the session counts the message against this limit.
            session.addMessageHandler(type, new LimitedWhole<T>(this, message));
            return;
        }
        session.addMessageHandler(type, (MessageHandler.Whole<T>) payload -> deliver(message, payload, true));
    }

    /**
     * A whole handler that tells the session its method's {@code maxMessageSize}; one object per method and session
     * (not a lambda wrapped in a record).
     */
    private static final class LimitedWhole<T> implements MessageHandler.Whole<T>, SizeLimitedHandler {
        private final AnnotatedEndpoint endpoint;
        private final MessageMethod method;

        LimitedWhole(AnnotatedEndpoint endpoint, MessageMethod method) {
            this.endpoint = endpoint;
            this.method = method;
        }

        @Override
        public long maxMessageSize() {
            return method.maxMessageSize();
        }

        @Override
        public void onMessage(T message) {
            endpoint.deliver(method, message, true);
        }
    }

    private <T> void addPartial(Class<T> type, MessageMethod message) {
        if (message.maxMessageSize() <= 0) {
            session.addMessageHandler(type, (MessageHandler.Partial<T>) (part, last) -> deliver(message, part, last));
            return;
        }
        // The session's buffer limits bound whole messages only; parts are counted here.
        long[] received = new long[1];
        session.addMessageHandler(type, (MessageHandler.Partial<T>) (part, last) -> {
            received[0] += size(part);
            if (received[0] > message.maxMessageSize()) {
                received[0] = 0;
                tooBig(message);
                return;
            }
            if (last) {
                received[0] = 0;
            }
            deliver(message, part, last);
        });
    }

    /** The size of a part in bytes (UTF-8 for text). */
    private static long size(Object part) {
        if (part instanceof ByteBuffer buffer) {
            return buffer.remaining();
        }
        if (part instanceof byte[] bytes) {
            return bytes.length;
        }
        String text = (String) part;
        return LimitedStreams.utf8Length(text);
    }

    private void tooBig(MessageMethod message) {
        try {
            if (session.isOpen()) {
                session.close(new CloseReason(CloseReason.CloseCodes.TOO_BIG, "message over "
                        + message.maxMessageSize() + " bytes"));
            }
        } catch (Exception failure) {
            LOG.log(System.Logger.Level.DEBUG, "closing session " + session.getId() + " (1009) failed", failure);
        }
    }

    private void deliver(MessageMethod message, Object payload, boolean last) {
        Object result;
        try {
            result = message.method().invoke(instance, connectionEvent, payload, last);
        } catch (Throwable failure) {
            applicationError(failure);
            return;
        }
        if (result != null && message.method().returnsValue()) {
            reply(result);
        }
    }

    private void reply(Object result) {
        try {
            if (result instanceof String text) {
                session.getBasicRemote().sendText(text);
            } else if (result instanceof ByteBuffer bytes) {
                session.getBasicRemote().sendBinary(bytes);
            } else if (result instanceof byte[] bytes) {
                session.getBasicRemote().sendBinary(ByteBuffer.wrap(bytes));
            } else {
                session.getBasicRemote().sendObject(result);
            }
        } catch (Exception failure) {
            applicationError(failure);
        }
    }

    /** Calls a lifecycle or message method, routing what it throws to {@link #applicationError}. */
    private void callApplication(EndpointMethod method, EndpointMethod.Event event) {
        try {
            method.invoke(instance, event);
        } catch (Throwable failure) {
            applicationError(failure);
        }
    }

    /** An error from the application's own methods (or from sending their results). */
    private void applicationError(Throwable error) {
        if (model.onError().isPresent()) {
            callErrorHandler(error);
            return;
        }
        LOG.log(System.Logger.Level.ERROR, () -> "endpoint " + model.type().getName() + " of session "
                + session.getId() + " threw and has no @OnError method (WSC-5.2.2-3: logged, session goes on)",
                error);
    }

    private void callErrorHandler(Throwable error) {
        try {
            model.onError().orElseThrow().invoke(instance, event(null, error));
        } catch (Throwable failure) {
            failure.addSuppressed(error);
            LOG.log(System.Logger.Level.ERROR, () -> "the @OnError method of " + model.type().getName()
                    + " threw while handling an error", failure);
        }
    }

    private EndpointMethod.Event event(CloseReason closeReason, Throwable error) {
        return new EndpointMethod.Event(session, config, closeReason, error, pathParameters);
    }

    private static int clamp(long size) {
        return (int) Math.min(size, Integer.MAX_VALUE);
    }
}
