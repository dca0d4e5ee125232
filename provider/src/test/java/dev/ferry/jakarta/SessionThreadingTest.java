package dev.ferry.jakarta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.transport.ConnectionDriver;
import dev.ferry.transport.MemoryTransport;
import dev.ferry.transport.SendQueueFullException;
import dev.ferry.transport.Transport;
import dev.ferry.transport.TransportListener;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The session's threading contract: callbacks one at a time and in order, run on the thread that read the message
 * when that thread may block; blocking sends from callbacks; many senders at once; onOpen before any other
 * callback; cancelling an asynchronous send; whole messages against another thread's partial message.
 */
class SessionThreadingTest {

    private final List<SessionPair> pairs = new ArrayList<>();

    @AfterEach
    void tearDown() throws InterruptedException {
        for (SessionPair pair : pairs) {
            pair.close();
        }
    }

    private SessionPair pair(int capacity) {
        SessionPair pair = SessionPair.create(capacity);
        pairs.add(pair);
        return pair;
    }

    /** A server endpoint that echoes every text message through the basic remote, from inside onMessage. */
    private static Endpoint echo() {
        return new Endpoint() {
            @Override
            public void onOpen(Session session, EndpointConfig config) {
                session.addMessageHandler(String.class, text -> {
                    try {
                        session.getBasicRemote().sendText(text);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
        };
    }

    @Test
    void messagesRunOneAtATimeInOrderOnTheThreadThatReadThem() throws Exception {
        SessionPair pair = pair(1 << 16);
        List<String> received = new ArrayList<>();
        List<String> threads = new ArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(300);
        Endpoint server = new Endpoint() {
            @Override
            public void onOpen(Session session, EndpointConfig config) {
                session.addMessageHandler(String.class, text -> {
                    if (running.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    received.add(text);
                    threads.add(Thread.currentThread().getName());
                    running.decrementAndGet();
                    all.countDown();
                });
            }
        };
        pair.open(JakartaSessionTest.collecting(), server);
        for (int i = 0; i < 300; i++) {
            pair.client.getAsyncRemote().sendText("m" + i);
        }
        assertTrue(all.await(10, TimeUnit.SECONDS), "only " + (300 - all.getCount()) + " of 300 arrived");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            expected.add("m" + i);
        }
        assertEquals(expected, received);
        assertEquals(0, overlaps.get(), "callbacks overlapped");
        assertTrue(threads.stream().allMatch(SessionPair.WIRE_THREAD::equals),
                "every message ran on a transport thread, none was handed to the executor: " + threads.stream()
                        .filter(t -> !t.equals(SessionPair.WIRE_THREAD)).distinct().toList());
    }

    @Test
    void aBlockingSendFromOnMessageEchoesWithoutParkingAndKeepsOrder() throws Exception {
        SessionPair pair = pair(1 << 16);
        RecordingEndpoint client = JakartaSessionTest.collecting();
        pair.open(client, echo());
        for (int i = 0; i < 200; i++) {
            pair.client.getBasicRemote().sendText("e" + i);
        }
        for (int i = 0; i < 200; i++) {
            assertEquals("e" + i, client.nextMessage());
        }
        assertTrue(client.errors.isEmpty(), "errors: " + client.errors);
    }

    @Test
    void asynchronousRepliesFromOnMessageArriveInOrder() throws Exception {
        SessionPair pair = pair(1 << 16);
        RecordingEndpoint client = JakartaSessionTest.collecting();
        pair.open(client, new Endpoint() {
            @Override
            public void onOpen(Session session, EndpointConfig config) {
                session.addMessageHandler(String.class, text -> session.getAsyncRemote().sendText("re " + text));
            }
        });
        for (int i = 0; i < 200; i++) {
            pair.client.getAsyncRemote().sendText("a" + i); // pipelined: several arrive in one read
        }
        for (int i = 0; i < 200; i++) {
            assertEquals("re a" + i, client.nextMessage());
        }
        assertTrue(client.errors.isEmpty(), "errors: " + client.errors);
    }

    @Test
    void aCallbackThatBlocksAfterItsSendStillGetsItsReplyOut() throws Exception {
        SessionPair pair = pair(1 << 16);
        CountDownLatch sent = new CountDownLatch(1);
        CountDownLatch replySeen = new CountDownLatch(1);
        BlockingQueue<String> outcome = new LinkedBlockingQueue<>();
        RecordingEndpoint waiter = new RecordingEndpoint(s -> s.addMessageHandler(String.class, text -> {
            try {
                s.getBasicRemote().sendText("re " + text);
                sent.countDown();
                // Blocks until the peer has the reply: a deferred reply must not wait for this callback to return.
                outcome.add(replySeen.await(10, TimeUnit.SECONDS) ? "returned" : "the reply never went out");
            } catch (IOException | InterruptedException e) {
                outcome.add("failed: " + e);
            }
        }));
        pair.openClient(waiter, SessionPair.config());
        RawPeer peer = new RawPeer(pair.wires.server());
        peer.write(0x81, 0x02, 'g', 'o');
        assertTrue(sent.await(10, TimeUnit.SECONDS), "the handler sent its reply");
        pair.clientHost.scheduler.advance(Duration.ofSeconds(1)); // past the deferred-write bound
        assertEquals("re go", new String(peer.readFrame().payload(), StandardCharsets.UTF_8));
        replySeen.countDown();
        assertEquals("returned", outcome.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void aBlockingSendFromOnMessageToAPeerThatDoesNotReadTimesOutAndOtherSessionsGoOn() throws Exception {
        SessionPair stuck = pair(256);
        stuck.clientHost.settings = new ConnectionDriver.Settings(Duration.ofSeconds(10), 4096, 64 << 10);
        stuck.clientHost.blockingSendTimeout = 2_000;
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        AtomicInteger sent = new AtomicInteger();
        RecordingEndpoint floods = new RecordingEndpoint(s -> s.addMessageHandler(String.class, text -> {
            try {
                for (int i = 0; i < 1_000; i++) { // bounded: 1 MB against a 4 KiB queue and a 256-byte pipe
                    s.getBasicRemote().sendBinary(ByteBuffer.allocate(1024));
                    sent.incrementAndGet();
                }
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        }));
        stuck.openClient(floods, SessionPair.config());
        RawPeer peer = new RawPeer(stuck.wires.server()); // never reads
        peer.write(0x81, 0x02, 'g', 'o');

        SessionPair other = pair(1 << 16);
        RecordingEndpoint otherClient = JakartaSessionTest.collecting();
        other.open(otherClient, echo());
        other.client.getBasicRemote().sendText("still here");
        assertEquals("still here", otherClient.nextMessage());
        assertFalse(outcome.isDone(), "the stuck session is still waiting for room while the other one echoes");

        Throwable failure = outcome.get(10, TimeUnit.SECONDS);
        assertInstanceOf(SendQueueFullException.class, failure, "the send gave up when no room came in time");
        assertTrue(sent.get() < 1_000, "sent " + sent.get());
        other.client.getBasicRemote().sendText("and after");
        assertEquals("and after", otherClient.nextMessage());
    }

    @Test
    void aCallbackThatFillsTheQueueInlineFinishesAndLaterCallbacksGoToTheExecutor() throws Exception {
        SessionPair pair = pair(256);
        pair.clientHost.settings = new ConnectionDriver.Settings(Duration.ofSeconds(10), 4096, 64 << 10);
        BlockingQueue<String> threads = new LinkedBlockingQueue<>();
        RecordingEndpoint sender = new RecordingEndpoint(s -> s.addMessageHandler(String.class, text -> {
            try {
                if (text.equals("fill")) {
                    // 10 KiB: over the 4 KiB limit and the 4 KiB that may be held as deferred frames (at most the
                    // limit), within its stretch
                    for (int i = 0; i < 10; i++) {
                        s.getBasicRemote().sendBinary(ByteBuffer.allocate(1024));
                    }
                }
                threads.add(text + " " + Thread.currentThread().getName());
            } catch (IOException e) {
                threads.add(text + " failed: " + e);
            }
        }));
        pair.openClient(sender, SessionPair.config());
        RawPeer peer = new RawPeer(pair.wires.server()); // does not read until the end
        peer.write(0x81, 0x04, 'f', 'i', 'l', 'l');
        assertEquals("fill " + SessionPair.WIRE_THREAD, threads.poll(10, TimeUnit.SECONDS),
                "the sends returned at once though the peer does not read");
        peer.write(0x81, 0x04, 'n', 'e', 'x', 't');
        assertEquals("next " + SessionPair.HOST_THREAD, threads.poll(10, TimeUnit.SECONDS));
        for (int i = 0; i < 10; i++) {
            assertEquals(1024, peer.readFrame().payload().length, "queued frame " + i + " is written in the end");
        }
    }

    @Test
    void manyThreadsSendWhileMessagesArrive() throws Exception {
        SessionPair pair = pair(4096);
        BlockingQueue<String> atClient = new LinkedBlockingQueue<>();
        RecordingEndpoint client = new RecordingEndpoint(s -> s.addMessageHandler(String.class, atClient::add));
        pair.open(client, echo());
        int threads = 4;
        int each = 100;
        List<Thread> senders = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            // client threads: echoed back by the server's onMessage; server threads: straight to the client
            Session from = t % 2 == 0 ? pair.client : pair.server;
            Thread sender = new Thread(() -> {
                try {
                    for (int n = 0; n < each; n++) {
                        if (n % 3 == 0) {
                            from.getAsyncRemote().sendText(id + ":" + n).get(10, TimeUnit.SECONDS);
                        } else {
                            from.getBasicRemote().sendText(id + ":" + n);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            senders.add(sender);
            sender.start();
        }
        for (Thread sender : senders) {
            sender.join(TimeUnit.SECONDS.toMillis(20));
        }
        assertEquals(List.of(), failures);
        Map<Integer, Integer> next = new HashMap<>();
        for (int i = 0; i < threads * each; i++) {
            String message = atClient.poll(10, TimeUnit.SECONDS);
            assertTrue(message != null, "only " + i + " of " + threads * each + " arrived");
            int id = Integer.parseInt(message.substring(0, message.indexOf(':')));
            int n = Integer.parseInt(message.substring(message.indexOf(':') + 1));
            assertEquals(next.getOrDefault(id, 0), n, "sender " + id + "'s messages arrive in order");
            next.put(id, n + 1);
        }
        assertTrue(client.errors.isEmpty(), "errors: " + client.errors);
    }

    @Test
    void eventsBeforeOnOpenReturnsWaitForIt() throws Exception {
        SessionPair pair = pair(1 << 16);
        RecordingEndpoint client = JakartaSessionTest.collecting();
        // The transport fails at once, on another thread, while the session is starting: before the fix,
        // the failure's callbacks reached the serial executor first and open() threw "runFirst must come before
        // any other task".
        Transport failingAtStart = new FailsAtStart(pair.wires.client());
        pair.client = JakartaSession.open(pair.clientHost, pair.clientHandle, failingAtStart, client,
                SessionPair.config(), SessionSpec.of(SessionPair.URI_, Map.of(), null, Map.of(), "", List.of(), false));
        assertEquals(1006, client.awaitClose().getCloseCode().getCode());
        assertInstanceOf(IOException.class, client.awaitError());
        assertEquals("open", client.events.poll());
        assertTrue(client.events.poll().startsWith("error"));
        assertEquals("close 1006", client.events.poll());
    }

    /** Delegates to a memory transport, but reports a failure from another thread during {@link #start}. */
    private record FailsAtStart(MemoryTransport delegate) implements Transport {
        @Override
        public void start(TransportListener listener) {
            delegate.start(listener);
            Thread failure = new Thread(() -> listener.onTransportError(new IOException("reset during start")));
            failure.start();
            try {
                failure.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return delegate.write(srcs);
        }

        @Override
        public void demandRead() {
            delegate.demandRead();
        }

        @Override
        public void demandWrite() {
            delegate.demandWrite();
        }

        @Override
        public void close() {
            delegate.close();
        }

        @Override
        public boolean isSecure() {
            return false;
        }
    }

    @Test
    void cancelTakesBackASendThatHasNotStartedButNotOneOnTheWire() throws Exception {
        SessionPair pair = pair(256);
        pair.openClient(JakartaSessionTest.collecting(), SessionPair.config());
        RawPeer peer = new RawPeer(pair.wires.server());
        Future<Void> onTheWire = pair.client.getAsyncRemote().sendBinary(ByteBuffer.allocate(10_000));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pair.wires.client().bytesWritten() < 256) { // the pipe is full: the first send is mid-frame
            assertTrue(System.nanoTime() < deadline, "the client never filled the pipe");
            Thread.sleep(1);
        }
        Future<Void> queued = pair.client.getAsyncRemote().sendText("never sent");
        assertTrue(queued.cancel(true));
        assertTrue(queued.isCancelled());
        assertTrue(queued.isDone());
        assertFalse(onTheWire.cancel(true), "a send whose bytes are on the wire cannot be taken back");
        assertFalse(onTheWire.isCancelled());

        RawPeer.Frame first = peer.readFrame();
        assertEquals(10_000, first.payload().length);
        onTheWire.get(10, TimeUnit.SECONDS);
        pair.client.getAsyncRemote().sendText("after");
        assertEquals("after", new String(peer.readFrame().payload(), StandardCharsets.UTF_8),
                "the cancelled message was never sent");
    }

    @Test
    void aWholeMessageFromAnotherThreadWaitsForAnUnfinishedPartialMessage() throws Exception {
        SessionPair pair = pair(1 << 16);
        pair.openClient(JakartaSessionTest.collecting(), SessionPair.config());
        RawPeer peer = new RawPeer(pair.wires.server());
        var remote = pair.client.getBasicRemote();
        remote.sendText("part one, ", false);
        CompletableFuture<Throwable> whole = new CompletableFuture<>();
        Thread other = new Thread(() -> {
            try {
                remote.sendText("whole");
                whole.complete(null);
            } catch (Throwable t) {
                whole.complete(t);
            }
        });
        other.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (other.getState() != Thread.State.TIMED_WAITING) { // it waits for the partial message to end
            assertTrue(System.nanoTime() < deadline, "the other thread never waited; its state: " + other.getState());
            assertFalse(whole.isDone(), "the whole message did not wait: " + whole.getNow(null));
            Thread.sleep(1);
        }
        IllegalStateException sameThread = assertThrows(IllegalStateException.class, () -> remote.sendText("nope"),
                "the thread in the middle of a partial message would wait for itself");
        assertTrue(sameThread.getMessage().contains("finish it"), sameThread.getMessage());
        remote.sendText("part two", true);
        assertNull(whole.get(10, TimeUnit.SECONDS));

        RawPeer.Frame one = peer.readFrame();
        RawPeer.Frame two = peer.readFrame();
        RawPeer.Frame three = peer.readFrame();
        assertEquals(List.of("1 false part one, ", "0 true part two", "1 true whole"),
                List.of(describe(one), describe(two), describe(three)));
    }

    @Test
    void anAsyncWholeMessageFromAnotherThreadGoesRightAfterTheUnfinishedPartialMessage() throws Exception {
        SessionPair pair = pair(1 << 16);
        pair.openClient(JakartaSessionTest.collecting(), SessionPair.config());
        RawPeer peer = new RawPeer(pair.wires.server());
        var remote = pair.client.getBasicRemote();
        remote.sendBinary(ByteBuffer.wrap(new byte[] {1, 2}), false);
        List<Future<Void>> held = new ArrayList<>();
        Thread other = new Thread(() -> held.add(pair.client.getAsyncRemote().sendText("held")));
        other.start();
        other.join(10_000);
        assertFalse(held.get(0).isDone(), "held while the partial message is unfinished");
        remote.sendBinary(ByteBuffer.wrap(new byte[] {3}), true);
        assertNull(held.get(0).get(10, TimeUnit.SECONDS));
        RawPeer.Frame first = peer.readFrame();
        RawPeer.Frame last = peer.readFrame();
        assertEquals(List.of(2, false, 2), List.of(first.opcode(), first.fin(), first.payload().length));
        assertEquals(List.of(0, true, 1), List.of(last.opcode(), last.fin(), last.payload().length));
        assertEquals("1 true held", describe(peer.readFrame()));
    }

    @Test
    void anAsyncMessageHeldForAStreamGoesAsSoonAsTheStreamIsAbandoned() throws Exception {
        SessionPair pair = pair(1 << 16);
        pair.openClient(JakartaSessionTest.collecting(), SessionPair.config());
        RawPeer peer = new RawPeer(pair.wires.server());
        java.io.Writer writer = pair.client.getBasicRemote().getSendWriter();
        List<Future<Void>> held = new ArrayList<>();
        Thread other = new Thread(() -> held.add(pair.client.getAsyncRemote().sendText("held")));
        other.start();
        other.join(10_000);
        assertFalse(held.get(0).isDone(), "held while the writer's message is unfinished");
        ((MessageStreams.MessageStream) writer).abandon(); // its encoder failed before it wrote anything
        assertNull(held.get(0).get(5, TimeUnit.SECONDS), "written once the writer's message is given up");
        assertEquals("1 true held", describe(peer.readFrame()));
    }

    /** The first data sends of a session come from two threads at once: the order lock is made once, for both. */
    @RepeatedTest(10)
    void firstSendsFromTwoThreadsAtOnceAllArriveInEachThreadsOrder() throws Exception {
        SessionPair pair = pair(1 << 16);
        pair.openClient(JakartaSessionTest.collecting(), SessionPair.config());
        RawPeer peer = new RawPeer(pair.wires.server());
        int perThread = 50;
        CyclicBarrier together = new CyclicBarrier(2);
        List<CompletableFuture<Throwable>> outcomes = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            outcomes.add(outcome);
            new Thread(() -> {
                try {
                    together.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < perThread; i++) {
                        if (name.equals("a")) {
                            pair.client.getBasicRemote().sendText(name + i);
                        } else {
                            pair.client.getAsyncRemote().sendText(name + i);
                        }
                    }
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            }).start();
        }
        for (CompletableFuture<Throwable> outcome : outcomes) {
            assertNull(outcome.get(10, TimeUnit.SECONDS));
        }
        Map<Character, Integer> next = new HashMap<>(Map.of('a', 0, 'b', 0));
        for (int n = 0; n < 2 * perThread; n++) {
            RawPeer.Frame frame = peer.readFrame();
            String text = new String(frame.payload(), StandardCharsets.UTF_8);
            assertEquals(List.of(1, true), List.of(frame.opcode(), frame.fin()), text);
            char sender = text.charAt(0);
            assertEquals(sender + String.valueOf(next.get(sender)), text, "each thread's messages in its order");
            next.merge(sender, 1, Integer::sum);
        }
    }

    /** Held messages from two threads share the held queue the first one made; both fail when the connection ends. */
    @Test
    void asyncMessagesHeldFromTwoThreadsFailWhenTheConnectionEnds() throws Exception {
        SessionPair pair = pair(1 << 16);
        pair.openClient(JakartaSessionTest.collecting(), SessionPair.config());
        pair.client.getBasicRemote().sendText("unfinished", false);
        List<Future<Void>> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        CyclicBarrier together = new CyclicBarrier(2);
        List<Thread> senders = new ArrayList<>();
        for (String text : List.of("held 1", "held 2")) {
            Thread sender = new Thread(() -> {
                try {
                    together.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                held.add(pair.client.getAsyncRemote().sendText(text));
            });
            sender.start();
            senders.add(sender);
        }
        for (Thread sender : senders) {
            sender.join(10_000);
        }
        assertEquals(2, held.size());
        for (Future<Void> future : held) {
            assertFalse(future.isDone(), "held while the partial message is unfinished");
        }
        pair.wires.server().close();
        for (Future<Void> future : held) {
            ExecutionException failed = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, failed.getCause());
            assertTrue(failed.getCause().getMessage().contains("the connection is closed"),
                    failed.getCause().getMessage());
        }
    }

    /** Two threads waiting for another thread's partial message both go once it ends, in some order. */
    @Test
    void twoBlockingSendersWaitingForAPartialMessageBothGoWhenItEnds() throws Exception {
        SessionPair pair = pair(1 << 16);
        pair.openClient(JakartaSessionTest.collecting(), SessionPair.config());
        RawPeer peer = new RawPeer(pair.wires.server());
        var remote = pair.client.getBasicRemote();
        remote.sendText("first, ", false);
        List<CompletableFuture<Throwable>> outcomes = new ArrayList<>();
        List<Thread> waiters = new ArrayList<>();
        for (String text : List.of("x", "y")) {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            outcomes.add(outcome);
            Thread waiter = new Thread(() -> {
                try {
                    remote.sendText(text);
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            waiter.start();
            waiters.add(waiter);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Thread waiter : waiters) {
            while (waiter.getState() != Thread.State.TIMED_WAITING) {
                assertTrue(System.nanoTime() < deadline, "a sender never waited; its state: " + waiter.getState());
                Thread.sleep(1);
            }
        }
        remote.sendText("last", true);
        for (CompletableFuture<Throwable> outcome : outcomes) {
            assertNull(outcome.get(10, TimeUnit.SECONDS));
        }
        assertEquals("1 false first, ", describe(peer.readFrame()));
        assertEquals("0 true last", describe(peer.readFrame()));
        assertEquals(java.util.Set.of("1 true x", "1 true y"),
                java.util.Set.of(describe(peer.readFrame()), describe(peer.readFrame())));
    }

    private static String describe(RawPeer.Frame frame) {
        return frame.opcode() + " " + frame.fin() + " " + new String(frame.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void aPartialMessageMayBeContinuedFromAnotherThread() throws Exception {
        SessionPair pair = pair(1 << 16);
        pair.openClient(JakartaSessionTest.collecting(), SessionPair.config());
        RawPeer peer = new RawPeer(pair.wires.server());
        pair.client.getBasicRemote().sendText("a", false);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread other = new Thread(() -> {
            try {
                pair.client.getBasicRemote().sendText("b", true);
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        other.start();
        assertNull(outcome.get(10, TimeUnit.SECONDS));
        assertEquals("1 false a", describe(peer.readFrame()));
        assertEquals("0 true b", describe(peer.readFrame()));
    }
}
