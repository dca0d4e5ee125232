package dev.ferry.servlet;

import dev.ferry.transport.TransportListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The read path of a connection with one small message in flight at a time (the load run's one-connection row): the
 * container's callback reads into a pooled array, the driver takes it, the array goes back; none of it allocates
 * (no buffer wrapped around the array per read, no queue node per array given back).
 */
class ReadPathAllocationTest {

    /** A stream that has one 64-byte message each time the test delivers one; not ready otherwise. */
    static final class OneMessageInput extends ScriptedStreams.ArrayInput {
        private final byte[] message = new byte[64];
        private boolean available;
        private boolean armed = true;

        void deliver() throws IOException {
            available = true;
            if (armed) {
                armed = false;
                listener.onDataAvailable();
            }
        }

        @Override
        public boolean isFinished() {
            return false;
        }

        @Override
        public boolean isReady() {
            armed |= !available;
            return available;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (!available) {
                return 0;
            }
            available = false;
            System.arraycopy(message, 0, b, off, message.length);
            return message.length;
        }
    }

    /** Counts readiness without allocating. */
    static final class Counting implements TransportListener {
        int readable;

        @Override
        public void onReadable() {
            readable++;
        }

        @Override
        public void onWritable() {
        }

        @Override
        public void onTransportError(Throwable cause) {
            throw new AssertionError(cause);
        }
    }

    @Test
    void aSmallMessagePerCallbackIsReadWithoutAllocating() throws IOException {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        OneMessageInput in = new OneMessageInput();
        ServletOutputStream out = new LargeWritePiecesTest.ArrayOnlyOutput();
        WebConnection connection = ScriptedStreams.over(in, out);
        WebConnectionTransport transport = new WebConnectionTransport(connection, null, null, false, Runnable::run,
                ContainerTraits.SERVLET_CONTRACT, new WebConnectionTransportTest.Timers(), Duration.ofSeconds(10));
        Counting listener = new Counting();
        transport.start(listener);
        ByteBuffer dst = ByteBuffer.allocate(4096);
        int rounds = 10_000;
        long before = 0;
        for (int i = -1_000; i < rounds; i++) { // the first thousand warm up: classes loaded, arrays pooled
            if (i == 0) {
                before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            }
            dst.clear();
            assertEquals(0, transport.read(dst), "nothing: the callback is armed");
            transport.demandRead();
            in.deliver();
            assertEquals(64, transport.read(dst));
        }
        long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertEquals(rounds + 1_000, listener.readable, "each message answered the demand");
        // A buffer wrapped around the pooled array per read and a queue node per array given back: about 1 MB here.
        assertTrue(allocated < 20_000, "expected no allocation per message read, got " + allocated + " bytes for "
                + rounds);
    }
}
