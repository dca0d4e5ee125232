package dev.ferry.jakarta;

import dev.ferry.protocol.BufferType;
import dev.ferry.transport.SendRequest;
import jakarta.websocket.EncodeException;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Ferry's {@link RemoteEndpoint.Async}: sends queue without waiting, in call order, and report through a
 * {@link SendHandler} (called on the container's executor, with {@link SendResult#getSession()} set) or a
 * {@link Future}, whose {@code cancel} takes back a message that has not started (see {@link SendFuture}). A whole
 * message sent while another thread's partial message is unfinished is held and queued right after that message's last
 * part; from the thread that sent the last part it throws {@code IllegalStateException} (see
 * {@link JakartaBasicRemote}). When the send queue is full the send fails at once with {@code SendQueueFullException};
 * when it is not written within {@link #getSendTimeout()} (if positive) it fails with {@code SocketTimeoutException}. A
 * {@code ByteBuffer} passed in is on loan until the send completes: do not change it meanwhile.
 *
 * <p>Thread contract: thread safe.
 */
final class JakartaAsyncRemote implements RemoteEndpoint.Async {

    private final JakartaSession session;

    JakartaAsyncRemote(JakartaSession session) {
        this.session = session;
    }

    @Override
    public long getSendTimeout() {
        return session.asyncSendTimeout();
    }

    @Override
    public void setSendTimeout(long timeoutMillis) {
        session.asyncSendTimeout(timeoutMillis);
    }

    @Override
    public void sendText(String text, SendHandler handler) {
        JakartaBasicRemote.requireArgument(text, "text");
        JakartaBasicRemote.requireArgument(handler, "handler");
        send(true, Utf8Parts.utf8(text), toHandler(handler));
    }

    @Override
    public Future<Void> sendText(String text) {
        JakartaBasicRemote.requireArgument(text, "text");
        SendFuture future = new SendFuture(session);
        future.request = send(true, Utf8Parts.utf8(text), toFuture(future));
        return future;
    }

    @Override
    public Future<Void> sendBinary(ByteBuffer data) {
        JakartaBasicRemote.requireArgument(data, "data");
        SendFuture future = new SendFuture(session);
        future.request = send(false, data, toFuture(future));
        return future;
    }

    @Override
    public void sendBinary(ByteBuffer data, SendHandler handler) {
        JakartaBasicRemote.requireArgument(data, "data");
        JakartaBasicRemote.requireArgument(handler, "handler");
        send(false, data, toHandler(handler));
    }

    /** Encodes on the calling thread; an {@code EncodeException} is reported through the future. */
    @Override
    public Future<Void> sendObject(Object data) {
        JakartaBasicRemote.requireArgument(data, "data");
        SendFuture future = new SendFuture(session);
        future.request = sendEncoded(data, toFuture(future));
        return future;
    }

    /** Encodes on the calling thread; an {@code EncodeException} is reported through the handler. */
    @Override
    public void sendObject(Object data, SendHandler handler) {
        JakartaBasicRemote.requireArgument(data, "data");
        JakartaBasicRemote.requireArgument(handler, "handler");
        sendEncoded(data, toHandler(handler));
    }

    private SendRequest sendEncoded(Object data, Consumer<Throwable> whenDone) {
        ObjectEncoding.Encoded encoded;
        try {
            encoded = ObjectEncoding.encode(session.codecs(), data);
        } catch (EncodeException | IOException | RuntimeException e) {
            session.host().executor().execute(() -> whenDone.accept(e));
            return null;
        }
        return send(encoded.text(), encoded.data(), whenDone);
    }

    private SendRequest send(boolean text, ByteBuffer data, Consumer<Throwable> whenDone) {
        return session.outbound().sendAsync(text ? BufferType.UTF8_MESSAGE : BufferType.BINARY_MESSAGE, data, whenDone);
    }

    private Consumer<Throwable> toHandler(SendHandler handler) {
        return failure -> handler.onResult(failure == null ? new SendResult(session)
                : new SendResult(session, failure));
    }

    private static Consumer<Throwable> toFuture(CompletableFuture<Void> future) {
        return failure -> {
            if (failure == null) {
                future.complete(null);
            } else {
                future.completeExceptionally(failure);
            }
        };
    }

    /**
     * The {@code Future} of an asynchronous send. {@link #cancel} takes the message back while it waits in the
     * session's queue (or behind another thread's partial message): it is then never sent, and the future is
     * cancelled. Once the message has started on its way to the wire (its frame went to the protocol handle, and
     * its first bytes may already be written) it cannot be taken back without corrupting the stream: {@code cancel}
     * returns false and the message is sent in full. {@code mayInterruptIfRunning} makes no difference: no thread
     * of the caller's runs the send.
     */
    private static final class SendFuture extends CompletableFuture<Void> {
        private final JakartaSession session;
        private volatile SendRequest request; // null when the message never reached the session (encoding failed)

        SendFuture(JakartaSession session) {
            this.session = session;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (isDone()) {
                return isCancelled();
            }
            SendRequest target = request;
            if (target == null || !session.outbound().withdraw(target)) {
                return false;
            }
            return super.cancel(mayInterruptIfRunning) || isCancelled();
        }
    }

    @Override
    public void setBatchingAllowed(boolean allowed) throws IOException {
        session.getBasicRemote().setBatchingAllowed(allowed);
    }

    @Override
    public boolean getBatchingAllowed() {
        return session.driver().isBatching();
    }

    @Override
    public void flushBatch() throws IOException {
        session.getBasicRemote().flushBatch();
    }

    @Override
    public void sendPing(ByteBuffer applicationData) throws IOException {
        session.getBasicRemote().sendPing(applicationData);
    }

    @Override
    public void sendPong(ByteBuffer applicationData) throws IOException {
        session.getBasicRemote().sendPong(applicationData);
    }
}
