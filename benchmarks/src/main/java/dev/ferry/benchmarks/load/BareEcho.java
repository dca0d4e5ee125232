package dev.ferry.benchmarks.load;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The load run's control, not a WebSocket server anyone should use: the least a server can do to echo the load
 * client's one-connection row, so that the table shows what the machine itself allows. One platform thread per
 * connection blocks in {@code read} and writes each echo with one {@code write}; no selector, no thread pool, no
 * hand-off between threads, no servlet container, no allocation per message. A round trip is then the loopback's
 * two wake-ups (the server's thread, the client's) and little else, so its latency is the floor that a real server
 * on the same machine approaches from above: where a row's figure for every server sits at this floor, the row
 * measures the machine (its CPUs' wake-up latency, on a virtual machine above all), not the server.
 *
 * <p>It speaks only what {@link WireClient} sends: a handshake without extensions, then masked, unfragmented binary
 * or text frames of up to {@value #MAX_PAYLOAD} bytes, echoed unmasked, and a Close, answered with a Close before the
 * socket closes. Anything else ends the connection. The driver's protocol is {@link LoadServer}'s: it prints
 * {@code LISTENING <port>} and stops on {@code QUIT} or end of input; it does not answer {@code MEMORY}.
 *
 * <p>Thread contract: one accepting thread, one thread per connection; connections share nothing.
 */
public final class BareEcho {

    private static final int MAX_PAYLOAD = 1 << 16;
    private static final int MAX_HEAD = 8192;
    private static final int OPCODE_CLOSE = 0x8;

    private BareEcho() {
    }

    public static void main(String[] args) throws IOException {
        ServerSocket listener = start();
        System.out.println("LISTENING " + listener.getLocalPort());
        System.out.flush();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = commands.readLine()) != null && !command.equals("QUIT")) {
            System.err.println("bare echo: ignored the command " + command + " (it answers none)");
        }
        listener.close();
        System.exit(0);
    }

    /** Listens on 127.0.0.1, on a free port, and serves every connection on a thread of its own until closed. */
    static ServerSocket start() throws IOException {
        ServerSocket listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(() -> accept(listener), "bare-echo-accept");
        accepting.setDaemon(true);
        accepting.start();
        return listener;
    }

    private static void accept(ServerSocket listener) {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                Thread connection = new Thread(() -> serve(socket), "bare-echo");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 65536));
            OutputStream out = socket.getOutputStream();
            out.write(switchingProtocols(keyOf(in)));
            echo(in, out);
        } catch (IOException | RuntimeException e) {
            // The client went away or sent what the control does not speak: this connection ends, nothing else.
        }
    }

    /** Reads the request head up to its blank line and returns its {@code Sec-WebSocket-Key}. */
    private static String keyOf(DataInputStream in) throws IOException {
        String key = null;
        StringBuilder line = new StringBuilder();
        for (int read = 0; read < MAX_HEAD; read++) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("expected a request head, got end of stream");
            }
            if (b != '\n') {
                line.append((char) b);
                continue;
            }
            String header = line.toString().trim();
            line.setLength(0);
            if (header.isEmpty()) {
                if (key == null) {
                    throw new IOException("expected Sec-WebSocket-Key in the request (RFC 6455 §4.1), got none");
                }
                return key;
            }
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("sec-websocket-key")) {
                key = header.substring(colon + 1).trim();
            }
        }
        throw new IOException("expected a request head under " + MAX_HEAD + " bytes, got more");
    }

    private static byte[] switchingProtocols(String key) {
        return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + WireClient.accept(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Echoes frames until a Close: each frame's payload is read behind room for the longest server header (4 bytes
     * for payloads up to 65,535), unmasked in place, and written with its header in one call.
     */
    private static void echo(DataInputStream in, OutputStream out) throws IOException {
        byte[] frame = new byte[4 + MAX_PAYLOAD];
        byte[] mask = new byte[4];
        while (true) {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            int length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                throw new IOException("expected a payload of at most " + MAX_PAYLOAD + " bytes, got a 64-bit length");
            }
            if ((first & 0x80) == 0 || (second & 0x80) == 0) {
                throw new IOException("expected a final, masked frame (the load client sends no other)");
            }
            in.readFully(mask);
            in.readFully(frame, 4, length);
            for (int i = 0; i < length; i++) {
                frame[4 + i] ^= mask[i & 3];
            }
            int start;
            if (length <= 125) {
                start = 2;
                frame[3] = (byte) length;
            } else {
                start = 0;
                frame[1] = 126;
                frame[2] = (byte) (length >>> 8);
                frame[3] = (byte) length;
            }
            frame[start] = (byte) first;
            out.write(frame, start, 4 + length - start);
            if ((first & 0xF) == OPCODE_CLOSE) {
                return;
            }
        }
    }
}
