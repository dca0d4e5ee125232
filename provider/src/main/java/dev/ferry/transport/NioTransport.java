package dev.ferry.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A {@link Transport} over a non-blocking {@link SocketChannel} served by a {@link NioLoop}, plain or TLS. Demands
 * become selector interest; readiness comes back as one listener callback per demand, on the loop thread.
 * Bytes that arrived before the transport took over the channel (read past the end of the HTTP upgrade
 * response) are handed out first.
 *
 * <p>Thread contract: as {@link Transport}. Selector interest is only changed on the loop thread.
 */
public final class NioTransport implements Transport, NioLoop.Handler {

    private static final System.Logger LOG = System.getLogger(NioTransport.class.getName());

    private final SocketChannel channel;
    private final NioLoop loop;
    private final TlsLayer tls;
    private final ByteBuffer prefix;
    private volatile TransportListener listener;
    private SelectionKey key; // loop thread only
    private boolean readWanted; // loop thread only
    private boolean writeWanted; // loop thread only
    private volatile boolean closed;

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

    private void closeOnLoop() {
        try {
            if (tls != null) {
                synchronized (tls) {
                    tls.closeOutbound(channel);
                }
            }
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a channel", e);
        }
        if (key != null) {
            key.cancel();
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
        int ops = (readWanted ? SelectionKey.OP_READ : 0) | (writeWanted || pendingTls ? SelectionKey.OP_WRITE : 0);
        key.interestOps(ops);
    }

    @Override
    public void onLoopFailure(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        closeOnLoop();
        TransportListener target = listener;
        if (target != null) {
            target.onTransportError(cause);
        }
    }
}
