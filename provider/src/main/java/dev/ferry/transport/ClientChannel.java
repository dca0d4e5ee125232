package dev.ferry.transport;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;

/**
 * A client connection while its opening handshake runs: TCP connect, TLS handshake, and the HTTP upgrade's
 * request and response, each step bounded by a deadline, on the connecting thread (which waits anyway) with a
 * private selector. Once the upgrade succeeds, {@link #toTransport} hands the channel to a shared {@link NioLoop}
 * and no thread is tied to it any more.
 *
 * <p>Thread contract: not thread safe; used by the connecting thread until {@link #toTransport}.
 */
public final class ClientChannel implements AutoCloseable {

    private final SocketChannel channel;
    private final Selector selector;
    private final TlsLayer tls;

    private ClientChannel(SocketChannel channel, Selector selector, TlsLayer tls) {
        this.channel = channel;
        this.selector = selector;
        this.tls = tls;
    }

    /**
     * Connects to {@code address} and, when {@code sslEngine} is given (in client mode, with its SNI and
     * endpoint identification set), runs the TLS handshake.
     *
     * @param deadline a {@link System#nanoTime()} value by which both must be done
     * @throws ConnectException       when the connection is refused or fails
     * @throws SocketTimeoutException when the deadline passes
     */
    public static ClientChannel connect(InetSocketAddress address, SSLEngine sslEngine, long deadline)
            throws IOException {
        if (address.isUnresolved()) {
            throw new java.net.UnknownHostException("cannot resolve host " + address.getHostString());
        }
        SocketChannel channel = SocketChannel.open();
        Selector selector = null;
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            selector = Selector.open();
            ClientChannel client = new ClientChannel(channel, selector, sslEngine == null ? null : new TlsLayer(sslEngine));
            client.finishConnect(address, deadline);
            if (client.tls != null) {
                sslEngine.beginHandshake();
                while (!client.tls.handshake(channel)) {
                    client.await(client.tls.handshakeWantsRead() ? SelectionKey.OP_READ : SelectionKey.OP_WRITE,
                            deadline, "the TLS handshake with " + address);
                }
            }
            return client;
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
    }

    private void finishConnect(InetSocketAddress address, long deadline) throws IOException {
        try {
            if (channel.connect(address)) {
                return;
            }
            while (!channel.finishConnect()) {
                await(SelectionKey.OP_CONNECT, deadline, "connecting to " + address);
            }
        } catch (ConnectException e) {
            ConnectException refused = new ConnectException("cannot connect to " + address + ": " + e.getMessage());
            refused.initCause(e);
            throw refused;
        }
    }

    private void await(int ops, long deadline, String what) throws IOException {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new SocketTimeoutException("timed out " + what);
        }
        SelectionKey key = channel.register(selector, ops);
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
        selector.selectedKeys().clear();
        key.interestOps(0);
    }

    /** Writes all of {@code bytes} by {@code deadline}. */
    public void write(ByteBuffer bytes, long deadline) throws IOException {
        ByteBuffer[] srcs = {bytes};
        while (bytes.hasRemaining() || (tls != null && tls.hasPendingOutput())) {
            if (tls != null) {
                tls.write(channel, srcs);
                if (!bytes.hasRemaining() && !tls.hasPendingOutput()) {
                    return;
                }
            } else if (channel.write(bytes) > 0) {
                continue;
            }
            await(SelectionKey.OP_WRITE, deadline, "writing the upgrade request");
        }
    }

    /**
     * Reads at least one byte into {@code dst} by {@code deadline}.
     *
     * @return bytes read, or -1 when the server closed the connection
     */
    public int read(ByteBuffer dst, long deadline) throws IOException {
        while (true) {
            int n = tls == null ? channel.read(dst) : tls.read(channel, dst);
            if (n != 0) {
                return n;
            }
            await(SelectionKey.OP_READ, deadline, "waiting for the upgrade response");
        }
    }

    /** Whether the connection is TLS. */
    public boolean isSecure() {
        return tls != null;
    }

    /**
     * Hands the connection to {@code loop}; this object is then spent.
     *
     * @param leftover bytes read past the upgrade response (read mode), handed out first by the transport
     */
    public Transport toTransport(NioLoop loop, ByteBuffer leftover) throws IOException {
        selector.close(); // deregisters the channel from the private selector
        return new NioTransport(channel, loop, tls, leftover);
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
