package dev.ferry.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A test-only extension that claims RSV2 and XORs payloads with a key byte. With {@code expansion} above
 * 1 every input byte decodes into that many output bytes: a stand-in for a compression bomb. It decodes
 * in small steps (at most {@code step} bytes per {@link #decode}) so the handle's loop is exercised.
 */
final class XorExtension implements Extension {

    static final String NAME = "x-xor";

    /** The factory; {@code created} collects every extension it made, to check release(). */
    static final class Factory implements ExtensionFactory {
        final List<XorExtension> created = new ArrayList<>();
        private final int expansion;
        private final boolean declines;

        Factory(int expansion, boolean declines) {
            this.expansion = expansion;
            this.declines = declines;
        }

        Factory() {
            this(1, false);
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String offer() {
            return NAME + "; key=90";
        }

        @Override
        public Extension accept(String offer) {
            if (declines) {
                return null;
            }
            return make(offer);
        }

        @Override
        public Extension confirm(String offer, String response) {
            if (!response.contains("key=")) {
                throw new ExtensionNotSupportedException("expected a key, got " + response);
            }
            return make(response);
        }

        private XorExtension make(String element) {
            int at = element.indexOf("key=");
            int key = at < 0 ? 0x5a : Integer.parseInt(element.substring(at + 4).trim(), 16);
            XorExtension extension = new XorExtension(NAME + "; key=" + Integer.toHexString(key), (byte) key, expansion);
            created.add(extension);
            return extension;
        }
    }

    private final String response;
    private final byte key;
    private final int expansion;
    private ByteBuffer input = ByteBuffer.allocate(0);
    private int repeatLeft;
    private boolean drained = true;
    private byte repeatByte;
    int releases;
    int encodedMessages;

    XorExtension(String response, byte key, int expansion) {
        this.response = response;
        this.key = key;
        this.expansion = expansion;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String response() {
        return response;
    }

    @Override
    public int rsvBits() {
        return 0x2;
    }

    @Override
    public ByteBuffer encode(ByteBuffer payload, boolean first, boolean fin) {
        if (first) {
            encodedMessages++;
        }
        ByteBuffer out = ByteBuffer.allocate(payload.remaining());
        for (int i = payload.position(); i < payload.limit(); i++) {
            out.put((byte) (payload.get(i) ^ key));
        }
        return out.flip();
    }

    @Override
    public void decodeInput(ByteBuffer in, boolean endOfMessage) {
        if (!drained) {
            throw new IllegalStateException("decodeInput before decode reported the previous input consumed");
        }
        drained = false;
        this.input = in;
    }

    @Override
    public int decode(ByteBuffer out) {
        int written = 0;
        while (out.hasRemaining() && written < 100) {
            if (repeatLeft == 0) {
                if (!input.hasRemaining()) {
                    break;
                }
                repeatByte = (byte) (input.get() ^ key);
                repeatLeft = expansion;
            }
            out.put(repeatByte);
            repeatLeft--;
            written++;
        }
        drained = written == 0;
        return written;
    }

    @Override
    public boolean needsInput() {
        return repeatLeft == 0 && !input.hasRemaining();
    }

    @Override
    public void release() {
        releases++;
    }
}
