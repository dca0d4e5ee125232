package dev.ferry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The servlet transport reading through a container's {@link ConnectionInput} instead of the upgraded
 * {@code ServletInputStream}: a read that finds nothing demands the connection's next callback, the callback reads
 * once and answers the driver's demand, and the servlet input stream is never touched. Scripted input, no threads.
 */
class ConnectionInputTransportTest {

    private final Scripted input = new Scripted();
    private final Queue<Runnable> executor = new ArrayDeque<>();
    private final WebConnectionTransportTest.Recorder listener = new WebConnectionTransportTest.Recorder();
    private WebConnectionTransport transport;

    @BeforeEach
    void open() throws IOException {
        transport = new WebConnectionTransport(ScriptedStreams.over(new Untouched(), new WebConnectionTransportTest.Output()),
                input, null, false, executor::add, ContainerTraits.JETTY, new WebConnectionTransportTest.Timers(),
                Duration.ofSeconds(10));
        transport.start(listener);
    }

    @Test
    void theFirstBytesComeThroughTheDemandMadeWhenTheConnectionIsTakenOver() throws IOException {
        assertEquals(1, input.demands, "taking the connection over asks for its first bytes");
        ByteBuffer buffer = ByteBuffer.allocate(16);
        assertEquals(0, transport.read(buffer), "nothing has come: the transport waits for the callback");
        assertEquals(0, input.reads, "the connection is not read while its callback is pending");
        transport.demandRead();
        input.deliver("abc");
        assertEquals(List.of("readable"), listener.events, "the callback answers the driver's demand");
        assertEquals(3, transport.read(buffer));
        assertEquals("abc", text(buffer));
        assertTrue(executor.isEmpty(), "the readiness came on the container's callback, not through the executor");
    }

    @Test
    void aReadThatFindsNothingDemandsTheNextCallbackAndTheCallbackAnswersTheDriver() throws IOException {
        input.deliver("ab");
        ByteBuffer buffer = ByteBuffer.allocate(16);
        assertEquals(2, transport.read(buffer));
        assertEquals(1, input.demands);
        assertEquals(0, transport.read(buffer), "the connection had nothing more");
        assertEquals(2, input.demands, "and that read demanded the next callback");
        transport.demandRead();
        assertEquals(List.of(), listener.events);
        input.deliver("cd");
        assertEquals(List.of("readable"), listener.events);
        assertEquals(2, transport.read(buffer));
        assertEquals("abcd", text(buffer));
    }

    @Test
    void theDriverReadsOnWithoutACallbackWhileTheConnectionHasBytes() throws IOException {
        input.deliver("x");
        input.queue("yz!"); // there before the driver asks again: no callback comes for it
        ByteBuffer buffer = ByteBuffer.allocate(16);
        assertEquals(1, transport.read(buffer));
        assertEquals(3, transport.read(buffer), "read on the driver's thread, straight from the connection");
        assertEquals("xyz!", text(buffer));
        assertEquals(1, input.demands, "no callback was needed while bytes were there");
        assertEquals(0, transport.read(buffer));
        assertEquals(3, input.reads, "the callback's read, the driver's, and the driver's that found none");
        assertEquals(2, input.demands, "the read that found none asked for the next callback");
    }

    @Test
    void theEndOfTheConnectionReadsAsMinusOne() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(8);
        transport.demandRead();
        input.end();
        assertEquals(List.of("readable"), listener.events);
        assertEquals(-1, transport.read(buffer));
        assertEquals(1, input.demands, "nothing more is asked of an ended connection");
    }

    @Test
    void aFailedReadIsReportedToTheWaitingDriverAndAgainAtItsNextCall() {
        transport.demandRead();
        input.fail(new IOException("connection reset"));
        assertEquals(List.of("error"), listener.events);
        IOException thrown = assertThrows(IOException.class, () -> transport.read(ByteBuffer.allocate(8)));
        assertEquals("connection reset", thrown.getMessage());
    }

    private static String text(ByteBuffer buffer) {
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
    }

    @Test
    void aReadAfterAReplyThatFindsNothingYieldsAndTakesTheAnswerThatCameMeanwhile() throws IOException {
        ByteBuffer buffer = firstMessageReadWithAnAnswerToCome();
        int reads = input.reads;
        assertEquals(2, transport.readAfterReply(buffer), "the peer answered while the reader yielded");
        assertEquals(reads + 2, input.reads, "a read, the yield, a second read");
        assertEquals(1, input.demands, "no callback was asked for");
        assertEquals("q1q2", text(buffer));
    }

    @Test
    void aPlainReadThatFindsNothingDoesNotYieldOrReadAgain() throws IOException {
        ByteBuffer buffer = firstMessageReadWithAnAnswerToCome();
        int reads = input.reads;
        assertEquals(0, transport.read(buffer));
        assertEquals(reads + 1, input.reads);
        assertEquals(2, input.demands, "it asked for the connection's next callback at once");
    }

    /** The peer's message "q1" read; its next, "q2", comes right after the next read that finds nothing. */
    private ByteBuffer firstMessageReadWithAnAnswerToCome() throws IOException {
        input.deliver("q1");
        ByteBuffer buffer = ByteBuffer.allocate(16);
        assertEquals(2, transport.read(buffer));
        input.answerDuringYield("q2");
        return buffer;
    }

    @Test
    void yieldsThePeerDoesNotAnswerComeEverLessOften() throws IOException {
        List<Integer> yielded = replies(200, Set.of());
        assertEquals(List.of(1, 2, 3, 4, 5, 7, 10, 15, 24, 41, 74, 139), yielded, UpgradedInput.FIRST_YIELD_CREDIT
                + " unanswered yields allowed; then after each unanswered yield twice as many replies do not yield, up"
                + " to " + UpgradedInput.MAX_YIELD_BACKOFF);
    }

    @Test
    void anAnsweredYieldEndsTheWaitAndAllowsManyUnansweredOnes() throws IOException {
        int replies = 7 + UpgradedInput.YIELD_CREDIT + 4;
        List<Integer> expected = new ArrayList<>(List.of(1, 2, 3, 4, 5));
        for (int reply = 7; reply <= 7 + UpgradedInput.YIELD_CREDIT + 1; reply++) {
            expected.add(reply); // the answered yield at 7, its credit's unanswered ones, and the first past it
        }
        expected.add(7 + UpgradedInput.YIELD_CREDIT + 3); // then one reply waits
        assertEquals(expected, replies(replies, Set.of(7)), "the yield at the seventh reply is answered");
    }

    /**
     * Runs {@code count} exchanges: the peer's message, then the read after the reply to it, which finds nothing
     * unless the peer answers during a yield (at the replies in {@code answered}).
     *
     * @return the replies whose read yielded (read the connection twice)
     */
    private List<Integer> replies(int count, Set<Integer> answered) throws IOException {
        List<Integer> yielded = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocate(64);
        for (int reply = 1; reply <= count; reply++) {
            input.deliver(".");
            buffer.clear();
            assertEquals(1, transport.read(buffer), "the peer's message");
            if (answered.contains(reply)) {
                input.answerDuringYield("!");
            }
            int reads = input.reads;
            int n = transport.readAfterReply(buffer.clear());
            assertEquals(answered.contains(reply) ? 1 : 0, n, "reply " + reply);
            if (input.reads - reads == 2) {
                yielded.add(reply);
            }
        }
        return yielded;
    }

    /**
     * A connection whose bytes the test delivers: {@link #deliver} makes bytes readable and runs the pending demand,
     * {@link #queue} makes them readable without a callback (they were there before the driver asked again).
     */
    static final class Scripted implements ConnectionInput {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private int position;
        private boolean ended;
        private IOException failure;
        private Runnable demanded;
        /** Bytes the peer sends right after the next read that finds nothing, as while the reader yields. */
        private String duringYield;
        int demands;
        int reads;

        void answerDuringYield(String text) {
            duringYield = text;
        }

        void queue(String text) {
            pending.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
        }

        void deliver(String text) {
            queue(text);
            callBack();
        }

        void end() {
            ended = true;
            callBack();
        }

        void fail(IOException e) {
            failure = e;
            callBack();
        }

        private void callBack() {
            Runnable readable = demanded;
            demanded = null;
            if (readable != null) {
                readable.run();
            }
        }

        @Override
        public int read(byte[] into) throws IOException {
            assertNull(demanded, "expected no read while a demand is pending but by its callback");
            reads++;
            if (failure != null) {
                throw failure;
            }
            byte[] all = pending.toByteArray();
            int n = Math.min(into.length, all.length - position);
            if (n == 0) {
                if (duringYield != null) {
                    queue(duringYield);
                    duringYield = null;
                }
                return ended ? -1 : 0;
            }
            System.arraycopy(all, position, into, 0, n);
            position += n;
            return n;
        }

        @Override
        public void demand(Runnable readable) {
            if (demanded != null) {
                throw new AssertionError("expected one demand at a time, got a second");
            }
            demands++;
            demanded = readable;
        }
    }

    /** The upgraded servlet input stream, which a transport reading through a {@link ConnectionInput} must leave be. */
    private static final class Untouched extends ServletInputStream {
        @Override
        public boolean isFinished() {
            throw new AssertionError("expected the servlet input stream untouched, got isFinished()");
        }

        @Override
        public boolean isReady() {
            throw new AssertionError("expected the servlet input stream untouched, got isReady()");
        }

        @Override
        public void setReadListener(ReadListener readListener) {
            throw new AssertionError("expected no read listener on the servlet input stream (Jetty would demand "
                    + "from the connection too)");
        }

        @Override
        public int read() {
            throw new AssertionError("expected the servlet input stream untouched, got read()");
        }
    }
}
