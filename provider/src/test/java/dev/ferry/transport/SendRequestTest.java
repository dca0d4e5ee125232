package dev.ferry.transport;

import dev.ferry.protocol.BufferType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A request's one-shot outcome and its sender's wait for it ({@link SendRequest#await}). */
class SendRequestTest {

    private static final long SAFETY = TimeUnit.SECONDS.toNanos(10);

    private static SendRequest request() {
        return SendRequest.of(BufferType.BINARY_MESSAGE, ByteBuffer.allocate(3), failure -> { });
    }

    @Test
    void aSenderWaitingOnAnotherThreadSeesTheRequestWrittenOrFailed() throws Exception {
        SendRequest written = request();
        Thread driver = new Thread(() -> written.complete(null));
        driver.start();
        assertNull(written.await(SAFETY));
        assertTrue(written.isDone());
        driver.join(10_000);

        SendRequest failed = request();
        IOException why = new IOException("the connection is closed");
        driver = new Thread(() -> failed.complete(why));
        driver.start();
        assertSame(why, failed.await(SAFETY));
        driver.join(10_000);
    }

    @Test
    void onlyTheFirstCompletionCountsAndTheCallbackHearsOfItOnce() throws Exception {
        int[] calls = new int[1];
        SendRequest request = SendRequest.of(BufferType.BINARY_MESSAGE, null, failure -> calls[0]++);
        assertTrue(request.complete(null));
        assertFalse(request.complete(new IOException("too late")));
        assertNull(request.await(0), "done: no wait at all");
        assertEquals(1, calls[0]);
    }

    @Test
    void aWaitEndsWithATimeoutWhenTheRequestDoesNotComplete() {
        SendRequest request = request();
        assertThrows(TimeoutException.class, () -> request.await(TimeUnit.MILLISECONDS.toNanos(20)));
        assertFalse(request.isDone());
    }

    @Test
    void anInterruptedSenderWhoseRequestIsDoneHearsTheOutcomeAndKeepsTheInterrupt() throws Exception {
        SendRequest request = request();
        request.complete(null);
        Thread.currentThread().interrupt();
        assertNull(request.await(SAFETY));
        assertTrue(Thread.interrupted(), "still interrupted (and cleared here)");
    }

    @Test
    void anInterruptedSenderStopsWaiting() {
        SendRequest request = request();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> request.await(SAFETY));
        assertFalse(Thread.interrupted(), "the exception carries the interrupt");
    }
}
