package dev.ferry.protocol;

import dev.ferry.protocol.extension.PerMessageDeflate;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Seeded random soak: thousands of messages of mixed types, sizes (0 to ~200 KiB) and fragmentations,
 * with pings in between, both directions at once; every byte and type must arrive intact and in order.
 * Bounded in count (the pump fails after a fixed number of steps).
 */
class SoakTest {

    private record Message(BufferType type, byte[] data) {
    }

    @Test
    void thousandsOfMixedMessagesBothWays() {
        soak(HandleProperties.defaults(), HandleProperties.defaults(), 2000, 11);
    }

    @Test
    void smallBuffersAndOneByteReads() {
        HandleProperties small = HandleProperties.builder().receiveBufferSize(256).sendBufferSize(256).build();
        soak(small, small, 300, 12);
    }

    @Test
    void throughPermessageDeflate() {
        HandleProperties deflate = HandleProperties.builder().extensions(List.of(PerMessageDeflate.defaults())).build();
        WebSocketHandle client = WebSocketHandle.create(Role.CLIENT, deflate, new Random(5));
        WebSocketHandle server = WebSocketHandle.create(Role.SERVER, deflate, new Random(6));
        List<HttpHeader> request = new ArrayList<>(client.beginClientHandshake(List.of(),
                List.of(PerMessageDeflate.NAME), List.of()));
        request.add(new HttpHeader("Host", "h"));
        List<HttpHeader> response = server.beginServerHandshake(null, List.of(PerMessageDeflate.NAME), request);
        assertEquals(List.of(0), client.endClientHandshake(response).selectedExtensions());
        run(new HandlePair(new Peer(client), new Peer(server)), 500, 13, false);
    }

    private static void soak(HandleProperties clientProperties, HandleProperties serverProperties, int messages, long seed) {
        HandlePair pair = new HandlePair(clientProperties, serverProperties, seed);
        run(pair, messages, seed, serverProperties.receiveBufferSize() == 256);
    }

    private static void run(HandlePair pair, int messages, long seed, boolean tinyReads) {
        Random random = new Random(seed);
        if (tinyReads) {
            pair.client.maxRead = 1 + random.nextInt(7);
            pair.server.maxRead = 1 + random.nextInt(7);
        }
        List<Message> toServer = plan(pair.client, messages, random);
        List<Message> toClient = plan(pair.server, messages / 2, random);
        pair.client.autoReceive();
        pair.server.autoReceive();
        pair.pump(50_000_000);
        check(pair.server.recorder, toServer, pair.client.recorder);
        check(pair.client.recorder, toClient, pair.server.recorder);
        pair.assertExhausted();
    }

    /** Plans random messages, fragmented at random, with pings in between; returns what must arrive. */
    private static List<Message> plan(Peer sender, int count, Random random) {
        List<Message> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean text = random.nextBoolean();
            int size = switch (random.nextInt(10)) {
                case 0 -> 0;
                case 1 -> 200_000 - random.nextInt(1000);
                case 2, 3 -> random.nextInt(70_000);
                default -> random.nextInt(300);
            };
            byte[] data = text ? randomText(random, size) : randomBytes(random, size);
            BufferType last = text ? BufferType.UTF8_MESSAGE : BufferType.BINARY_MESSAGE;
            BufferType fragment = text ? BufferType.UTF8_FRAGMENT : BufferType.BINARY_FRAGMENT;
            int parts = random.nextInt(4) == 0 ? 1 + random.nextInt(5) : 1;
            int offset = 0;
            for (int p = 1; p <= parts; p++) {
                int end = p == parts ? data.length : offset + random.nextInt(data.length - offset + 1);
                ByteBuffer part = ByteBuffer.wrap(data, offset, end - offset);
                BufferType type = p == parts ? last : fragment;
                sender.plan.add(h -> h.send(type, part, "m"));
                offset = end;
                if (random.nextInt(8) == 0) {
                    byte[] ping = randomBytes(random, random.nextInt(126));
                    sender.plan.add(h -> h.send(BufferType.PING, ByteBuffer.wrap(ping), "ping"));
                }
            }
            expected.add(new Message(last, data));
        }
        return expected;
    }

    private static void check(ActionRecorder receiver, List<Message> expected, ActionRecorder sender) {
        int next = 0;
        while (!receiver.isEmpty()) {
            ActionRecorder.Event e = receiver.next();
            if (e instanceof ActionRecorder.AutoPong || e instanceof ActionRecorder.Sent) {
                continue;
            }
            ActionRecorder.Received r = assertInstanceOf(ActionRecorder.Received.class, e);
            if (r.type() == BufferType.PONG) {
                continue;
            }
            Message m = expected.get(next++);
            assertEquals(m.type(), r.type(), "type of message " + next);
            assertEquals(m.data().length, r.data().length, "length of message " + next);
            assertEquals(ByteBuffer.wrap(m.data()), ByteBuffer.wrap(r.data()), "bytes of message " + next);
        }
        assertEquals(expected.size(), next, "messages delivered");
    }

    private static byte[] randomBytes(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    private static byte[] randomText(Random random, int size) {
        StringBuilder s = new StringBuilder(size);
        String alphabet = "abc xyz ÄÖü €𝄞 κόσμε ";
        while (s.length() < size / 2) {
            int start = random.nextInt(alphabet.length() - 1);
            char c = alphabet.charAt(start);
            if (Character.isHighSurrogate(c)) {
                s.append(c).append(alphabet.charAt(start + 1));
            } else if (!Character.isLowSurrogate(c)) {
                s.append(c);
            }
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }
}
