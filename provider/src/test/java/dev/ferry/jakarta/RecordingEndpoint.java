package dev.ferry.jakarta;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An endpoint that records what happens to it: messages its handlers put in {@link #messages}, errors, and the
 * close reason; {@code onOpen} runs a configurable setup (typically adding handlers). Fails a test that finds
 * nothing within a bounded wait.
 */
class RecordingEndpoint extends Endpoint {

    static final long WAIT_SECONDS = 10;

    final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    final BlockingQueue<CloseReason> closes = new LinkedBlockingQueue<>();
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final CountDownLatch opened = new CountDownLatch(1);
    private final Consumer<Session> setup;
    volatile Session session;

    RecordingEndpoint(Consumer<Session> setup) {
        this.setup = setup;
    }

    @Override
    public void onOpen(Session s, EndpointConfig config) {
        session = s;
        events.add("open");
        setup.accept(s);
        opened.countDown();
    }

    @Override
    public void onClose(Session s, CloseReason reason) {
        events.add("close " + reason.getCloseCode().getCode());
        closes.add(reason);
    }

    @Override
    public void onError(Session s, Throwable t) {
        events.add("error " + t.getClass().getSimpleName());
        errors.add(t);
    }

    Object nextMessage() throws InterruptedException {
        Object message = messages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no message within " + WAIT_SECONDS + " s");
        }
        return message;
    }

    CloseReason awaitClose() throws InterruptedException {
        CloseReason reason = closes.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (reason == null) {
            throw new AssertionError("no onClose within " + WAIT_SECONDS + " s; events: " + events);
        }
        return reason;
    }

    Throwable awaitError() throws InterruptedException {
        Throwable error = errors.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (error == null) {
            throw new AssertionError("no onError within " + WAIT_SECONDS + " s; events: " + events);
        }
        return error;
    }
}
