package dev.ferry.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A {@link Transport} over a non-blocking {@link SocketChannel} served by a {@link NioLoop}, plain or TLS. Demands
 * become selector interest; readiness comes back as one listener callback per demand, on the loop thread.
 * Bytes that arrived before the transport took over the channel (read past the end of the HTTP upgrade
 * response) are handed out first.
 *
 * <p>Closing leaves the TCP close to the server (RFC 6455 §5.5.1: the client SHOULD wait for the server to close;
 * §7.1.1: so that the server, not the client, holds TIME_WAIT). {@link #close()} sends no FIN: with TLS it sends
 * close_notify, then the transport <em>lingers</em>: the channel stays registered for reading, whatever arrives is
 * discarded, and the channel is closed when the server's EOF arrives or after {@link #LINGER}, whichever comes first.
 * The linger is the transport's business only: the caller of {@code close()} (the driver, and so the session's
 * {@code onClose}) never waits for it. A read or write error while lingering, or {@link #onLoopFailure}, closes the
 * channel at once. A lingering channel keeps its {@link NioLoop} running; the loop may exit when idle after that.
 *
 * <p>Thread contract: as {@link Transport}. Selector interest is only changed on the loop thread.
 */
public final class NioTransport implements Transport, NioLoop.Handler {

    private static final System.Logger LOG = System.getLogger(NioTransport.class.getName());

    /**
     * How long a closed transport waits for the server's EOF before closing the channel itself: a few seconds, the
     * "reasonable time period" of RFC 6455 §5.5.1 (a server closes immediately after the close handshake).
     */
    public static final Duration LINGER = Duration.ofSeconds(2);

    private final SocketChannel channel;
    private final NioLoop loop;
    private final TlsLayer tls;
    private final ByteBuffer prefix;
    private volatile TransportListener listener;
    private SelectionKey key; // loop thread only
    private boolean readWanted; // loop thread only
    private boolean writeWanted; // loop thread only
    private volatile boolean closed;
    private boolean lingering; // loop thread only
    private Runnable cancelLinger; // loop thread only
    private ByteBuffer discard; // loop thread only, while lingering

    /**
     * @param channel a connected channel, non-blocking, not registered anywhere
     * @param tls     its TLS layer after the handshake, or null for plain TCP
     * @param prefix  bytes already read from the connection for this transport to hand out first (read mode)
     */
    NioTransport(SocketChannel channel, NioLoop loop, TlsLayer tls, ByteBuffer prefix) {
        this.channel = channel;
        this.loop = loop;
        this.tls = tls;
        this.prefix = prefix == null ? ByteBuffer.allocate(0) : prefix;
    }

    @Override
    public void start(TransportListener newListener) {
        listener = newListener;
        loop.register(channel, this, registered -> {
            key = registered;
            if (closed) {
                closeOnLoop();
            } else {
                updateInterest();
            }
        });
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        synchronized (prefix) {
            if (prefix.hasRemaining()) {
                int n = Math.min(dst.remaining(), prefix.remaining());
                dst.put(prefix.slice(prefix.position(), n));
                prefix.position(prefix.position() + n);
                return n;
            }
        }
        if (closed) {
            throw new IOException("the connection is closed");
        }
        return tls == null ? channel.read(dst) : readTls(dst);
    }

    private int readTls(ByteBuffer dst) throws IOException {
        synchronized (tls) {
            return tls.read(channel, dst);
        }
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        if (closed) {
            throw new IOException("the connection is closed");
        }
        if (tls == null) {
            return channel.write(srcs);
        }
        synchronized (tls) {
            long taken = tls.write(channel, srcs);
            if (tls.hasPendingOutput()) {
                loop.execute(this::updateInterest); // the loop flushes the rest when the socket drains
            }
            return taken;
        }
    }

    @Override
    public void demandRead() {
        loop.execute(() -> {
            if (hasBufferedInput()) {
                fireReadable();
            } else {
                readWanted = true;
                updateInterest();
            }
        });
    }

    @Override
    public void demandWrite() {
        loop.execute(() -> {
            writeWanted = true;
            updateInterest();
        });
    }

    private boolean hasBufferedInput() {
        synchronized (prefix) {
            if (prefix.hasRemaining()) {
                return true;
            }
        }
        if (tls != null) {
            synchronized (tls) {
                return tls.hasBufferedInput();
            }
        }
        return false;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.execute(this::closeOnLoop);
    }

    /** Sends close_notify (TLS) and lingers for the server's EOF; closes at once when not registered. */
    private void closeOnLoop() {
        if (lingering || !channel.isOpen()) {
            return;
        }
        if (tls != null) {
            synchronized (tls) {
                tls.closeOutbound(channel);
            }
        }
        if (key == null || !key.isValid()) {
            closeNow();
            return;
        }
        lingering = true;
        readWanted = false;
        writeWanted = false;
        discard = ByteBuffer.allocate(4096);
        cancelLinger = loop.schedule(LINGER, this::closeNow);
        updateInterest();
    }

    /** Closes the channel now, ending any linger. Loop thread only. */
    private void closeNow() {
        lingering = false;
        discard = null;
        if (cancelLinger != null) {
            cancelLinger.run();
            cancelLinger = null;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a channel", e);
        }
        if (key != null) {
            key.cancel();
        }
    }

    /** While lingering: flushes what TLS still holds and discards what arrives; the server's EOF ends the linger. */
    private void onSelectedWhileLingering(int readyOps) {
        try {
            if ((readyOps & SelectionKey.OP_WRITE) != 0 && tls != null) {
                synchronized (tls) {
                    tls.flush(channel);
                }
            }
            if ((readyOps & SelectionKey.OP_READ) != 0) {
                discard.clear();
                if (channel.read(discard) < 0) {
                    closeNow();
                    return;
                }
            }
            updateInterest();
        } catch (IOException e) {
            closeNow();
        }
    }

    @Override
    public boolean isSecure() {
        return tls != null;
    }

    /** False: callbacks come from the selector thread, which serves every connection of its loop. */
    @Override
    public boolean callbackThreadsMayBlock() {
        return false;
    }

    @Override
    public void onSelected(int readyOps) {
        if (lingering) {
            onSelectedWhileLingering(readyOps);
            return;
        }
        if (closed) {
            return;
        }
        boolean readable = (readyOps & SelectionKey.OP_READ) != 0 && readWanted;
        boolean writable = (readyOps & SelectionKey.OP_WRITE) != 0;
        if (writable && tls != null) {
            try {
                synchronized (tls) {
                    if (!tls.flush(channel)) {
                        writable = false;
                    }
                }
            } catch (IOException e) {
                onLoopFailure(e);
                return;
            }
        }
        boolean fireWrite = writable && writeWanted;
        if (readable) {
            readWanted = false;
        }
        if (fireWrite) {
            writeWanted = false;
        }
        updateInterest();
        if (readable) {
            fireReadable();
        }
        if (fireWrite) {
            TransportListener target = listener;
            if (target != null) {
                target.onWritable();
            }
        }
    }

    private void fireReadable() {
        TransportListener target = listener;
        if (target != null) {
            target.onReadable();
        }
    }

    private void updateInterest() {
        if (key == null || !key.isValid()) {
            return;
        }
        boolean pendingTls;
        if (tls != null) {
            synchronized (tls) {
                pendingTls = tls.hasPendingOutput();
            }
        } else {
            pendingTls = false;
        }
        boolean reading = readWanted || lingering;
        int ops = (reading ? SelectionKey.OP_READ : 0) | (writeWanted || pendingTls ? SelectionKey.OP_WRITE : 0);
        key.interestOps(ops);
    }

    @Override
    public void onLoopFailure(Throwable cause) {
        if (closed) {
            closeNow(); // ends a linger at once
            return;
        }
        closed = true;
        closeNow();
        TransportListener target = listener;
        if (target != null) {
            target.onTransportError(cause);
        }
    }
}
