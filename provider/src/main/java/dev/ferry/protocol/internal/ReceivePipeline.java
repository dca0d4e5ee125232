package dev.ferry.protocol.internal;

import dev.ferry.protocol.Action;
import dev.ferry.protocol.BufferType;
import dev.ferry.protocol.CloseStatus;
import dev.ferry.protocol.Extension;
import dev.ferry.protocol.HandleProperties;
import dev.ferry.protocol.InvalidProtocolFormatException;
import dev.ferry.protocol.InvalidProtocolOperationException;
import dev.ferry.protocol.MessageTooBigException;
import dev.ferry.protocol.Role;
import dev.ferry.protocol.WebSocketProtocolException;
import dev.ferry.protocol.frame.FrameGenerator;
import dev.ferry.protocol.frame.FrameParser;
import dev.ferry.protocol.frame.Masking;
import dev.ferry.protocol.frame.Opcode;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The receive pipeline (spec §5.3): turns bytes read into the handle's receive buffer into chunks of
 * messages, pongs and the peer's Close, one {@code INDICATE_RECEIVE_COMPLETE} per {@code receive};
 * answers pings with pongs (R5: through the one wire writer the engine arbitrates).
 *
 * <p>Theory of operation. Bytes live in one buffer of {@code receiveBufferSize} between {@code readPos}
 * (first unparsed byte) and {@code writePos} (end of bytes read). A data frame's payload is handed out
 * as soon as any of it is buffered, as a read-only view of the buffer (unmasked in place, never copied),
 * so every chunk is at most one buffer long. A control frame is handed out only once it is whole
 * (at most 139 bytes with its header, less than the smallest buffer). So when the buffer has to be
 * refilled, what is left unparsed is a partial header or control frame, which is moved to the front.
 * A message whose first frame carries an extension's RSV bits goes through that extension instead, and its chunks
 * come from the decoded data ({@link ExtensionDecoding}).
 *
 * <p>Memory. The receive buffer, with its views and cached actions ({@link ReceiveMemory}), is borrowed from a
 * {@link ReceiveMemoryPool} when a read is handed out and given back when a read is returned unused
 * ({@link #giveBack}) with nothing buffered, or when the handle is closed with no action referring to it
 * outstanding. So a connection waiting for the network holds none, while one that keeps reading keeps the same
 * memory and allocates nothing. Parser state lives in fields, so a frame may continue in new memory.
 *
 * <p>Thread contract: not thread safe; owned by the engine and driven under the handle's lock.
 */
final class ReceivePipeline {

    private static final int MAX_CONTROL_FRAME = 2 + 4 + 125;

    private final long maxMessageSize;
    private final boolean verifyUtf8;
    private final boolean maskPongs;
    /** Whether every frame must come unmasked (a client, masking not disabled): {@link #wholeSmallFrame}'s case. */
    private final boolean unmaskedFrames;
    private final MaskKeys maskKeys;
    private final FrameParser parser;
    private final ReceiveMemoryPool pool;
    private final int bufferSize;
    /** The receive buffer and its views; null while nothing is buffered and no read is outstanding. */
    private ReceiveMemory memory;
    /** {@code memory}'s bytes, held here too: the parser reads them once per frame, with one load less. */
    private byte[] bytes;
    /** Bytes {@code [0, dirty)} of {@code memory} were read into; handed to it when it goes back to the pool. */
    private int dirty;
    private int readCapacity;
    private final Utf8Validator utf8 = new Utf8Validator();
    private ByteBuffer pong; // made by the first Ping: most connections never get one
    /** The negotiated extensions' decoding; null when none were negotiated. */
    private ExtensionDecoding decoding;

    private int readPos;
    private int writePos;

    // The frame whose payload is being read.
    private boolean inPayload;
    private long frameRemaining;
    private boolean frameFin;
    private boolean frameMasked;
    private int frameMaskKey;
    private long maskOffset;

    // The data message in progress: opcode null between messages.
    private Opcode messageOpcode;
    private long messageBytes;
    /** {@link #decoding} while the message in progress goes through an extension; null otherwise. */
    private ExtensionDecoding decoder;

    // The caller's receive operation and this pipeline's one outstanding action.
    private boolean pending;
    private Object context;
    private boolean cancelled;
    private boolean pongPending;
    private boolean closeReceived;
    private Action outstanding;

    ReceivePipeline(Role role, HandleProperties properties, MaskKeys maskKeys, ReceiveMemoryPool pool) {
        this.maxMessageSize = properties.maxMessageSize();
        this.verifyUtf8 = !properties.disableUtf8Verification();
        this.maskPongs = role == Role.CLIENT;
        this.unmaskedFrames = role == Role.CLIENT && !properties.disableMasking();
        this.maskKeys = properties.disableMasking() ? null : maskKeys;
        this.parser = new FrameParser(role, properties.disableMasking());
        this.pool = pool;
        this.bufferSize = properties.receiveBufferSize();
    }

    /** Installs the negotiated extensions; their RSV bits become legal on first data frames. */
    void useExtensions(List<Extension> negotiated, int receiveBufferSize) {
        int bits = 0;
        for (Extension extension : negotiated) {
            bits |= extension.rsvBits();
        }
        parser.allowRsv(bits);
        if (bits != 0) {
            decoding = new ExtensionDecoding(negotiated, receiveBufferSize);
        }
    }

    /** Queues the caller's receive operation (the engine checked the phase). */
    void receive(Object operationContext) {
        if (pending) {
            throw new IllegalStateException("expected the previous receive to be complete, got a second receive"
                    + " while one is outstanding (spec §5.1 R3)");
        }
        pending = true;
        context = operationContext;
    }

    /**
     * The next action of this pipeline.
     *
     * @param wireFree    whether no SEND_TO_NETWORK is outstanding on either pipeline (R5)
     * @param closeSent   whether our Close is on the wire: pong replies are dropped from then on
     * @param aborted     whether the handle was aborted: a pending receive ends with CLOSE 1006
     * @throws WebSocketProtocolException when the peer's bytes break the protocol
     */
    Action poll(boolean wireFree, boolean closeSent, boolean aborted) {
        while (true) {
            if (outstanding != null) {
                return Action.NO_ACTION;
            }
            if (pongPending && (closeSent || aborted)) {
                pongPending = false;
            }
            if (pongPending) {
                if (!wireFree) {
                    return Action.NO_ACTION;
                }
                return outstanding = new Action.SendToNetwork(BufferType.PONG,
                        List.of(pong.duplicate()), null);
            }
            if (!pending) {
                return Action.NO_ACTION;
            }
            if (aborted || cancelled) {
                cancelled = false;
                return outstanding = new Action.IndicateReceiveComplete(BufferType.CLOSE, ByteBuffer.allocate(0),
                        CloseStatus.ABORTED, context);
            }
            Action unit = advance();
            if (unit != null) {
                return outstanding = unit;
            }
            if (pongPending) {
                continue;
            }
            compact();
            return handOutRead();
        }
    }

    /** A read into the free end of the buffer (everything buffered is a partial header or control frame). */
    private Action handOutRead() {
        ReceiveMemory held = memory();
        held.readTarget.limit(bufferSize).position(writePos);
        readCapacity = bufferSize - writePos;
        Action.ReceiveFromNetwork read = held.lastRead;
        if (read == null || read.context() != context) {
            read = held.lastRead = new Action.ReceiveFromNetwork(held.readTarget, context);
        }
        return outstanding = read;
    }

    /**
     * The next action right after a read was completed with at least one byte: what {@link #poll} would return, found
     * without its other checks, or null when more bytes are needed or a ping's pong comes first (then the engine
     * polls). Nothing else can be waiting: a read is handed out only while the receive is pending, not cancelled, and
     * with no pong and no decoded output waiting, and its completion with bytes changes none of that.
     *
     * <p>The usual reads go straight to their unit: one that continues a data frame no extension decodes (what
     * {@link #advance} would do first), and, for a client, one that starts with a whole small frame of a message
     * ({@link #wholeSmallFrame}).
     *
     * @throws WebSocketProtocolException when the peer's bytes break the protocol
     */
    Action afterRead() {
        Action unit = inPayload && decoder == null ? payloadChunk() : unmaskedFrames ? wholeSmallFrame() : advance();
        if (unit != null) {
            outstanding = unit;
        }
        return unit;
    }

    /**
     * At a frame's start, the usual unmasked frame: FIN, no RSV bit, TEXT or BINARY, not masked, a 7-bit length, all
     * of it buffered, outside a fragmented message and within {@code maxMessageSize}. Then no rule of RFC 6455 can be
     * broken but UTF-8 (which {@link #deliver} checks), and the frame is the whole message: handed out at once, without
     * the general parser. Anything else goes through {@link #advance}.
     */
    private Action wholeSmallFrame() {
        int at = readPos;
        int available = writePos - at;
        int b0 = bytes[at] & 0xFF;
        int b1 = available < 2 ? 0xFF : bytes[at + 1] & 0xFF; // over 125: masked, a longer length, or not here yet
        if ((b0 != 0x82 && b0 != 0x81) || b1 > 125 || b1 > available - 2 || messageOpcode != null
                || (maxMessageSize >= 0 && b1 > maxMessageSize)) {
            return advance();
        }
        int start = at + 2;
        readPos = start + b1;
        boolean text = b0 == 0x81;
        if (text) {
            utf8.reset();
        }
        return deliver(memory.buffer, memory.view, start, b1, text, true);
    }

    /**
     * Completes this pipeline's outstanding action.
     *
     * @return true when {@code action} was that action
     */
    boolean complete(Action action, long bytes) {
        if (action != outstanding || action == null) {
            return false;
        }
        if (action instanceof Action.ReceiveFromNetwork read) {
            return completeRead(read, bytes);
        } else if (action instanceof Action.SendToNetwork) {
            pongPending = false;
        } else if (action instanceof Action.IndicateReceiveComplete) {
            pending = false;
            context = null;
            rewindWhenDrained();
        } else {
            throw new AssertionError(action);
        }
        outstanding = null;
        return true;
    }

    /**
     * {@link #complete} of a read: its bytes are buffered; 0 bytes (the end of the stream) cancels the receive.
     *
     * @return true when {@code read} was the outstanding action
     */
    boolean completeRead(Action.ReceiveFromNetwork read, long bytes) {
        if (read != outstanding) {
            return false;
        }
        if (bytes < 0 || bytes > readCapacity) {
            throw badReadCount(bytes);
        }
        if (bytes == 0) {
            cancelled = true;
        }
        int end = writePos + (int) bytes;
        writePos = end;
        if (end > dirty) {
            dirty = end;
        }
        outstanding = null;
        return true;
    }

    private IllegalArgumentException badReadCount(long bytes) {
        return new IllegalArgumentException("expected 0 to " + readCapacity + " bytes read, got " + bytes
                + " (spec §3.10)");
    }

    /**
     * Takes back the outstanding read unused: it counts as its completion, the receive operation stays pending,
     * and the next poll hands out a new read. The memory goes back to the pool unless bytes are buffered.
     *
     * @return true when {@code read} was the outstanding action
     */
    boolean giveBack(Action.ReceiveFromNetwork read) {
        if (read != outstanding || read == null) {
            return false;
        }
        outstanding = null;
        dirty = Math.max(dirty, memory.readTarget.position()); // bytes the caller read all the same
        if (readPos == writePos) {
            releaseMemory();
        }
        return true;
    }

    /** The handle is deleted: its memory goes back to the pool unless a handed-out action may still refer to it. */
    void close() {
        if (outstanding == null || outstanding instanceof Action.SendToNetwork) {
            releaseMemory();
        }
    }

    /** Whether this pipeline holds receive memory (for tests). */
    boolean holdsMemory() {
        return memory != null;
    }

    private ReceiveMemory memory() {
        ReceiveMemory held = memory;
        if (held == null) {
            held = memory = pool.borrow(bufferSize);
            bytes = held.buffer.array();
        }
        return held;
    }

    private void releaseMemory() {
        ReceiveMemory held = memory;
        if (held != null) {
            memory = null;
            bytes = null;
            held.dirty = Math.max(held.dirty, dirty);
            dirty = 0;
            readPos = 0;
            writePos = 0;
            pool.giveBack(held);
        }
    }

    /** Once every buffered byte is handed out, the next read fills the buffer from its start. */
    private void rewindWhenDrained() {
        if (readPos == writePos) {
            readPos = 0;
            writePos = 0;
        }
    }

    /** Whether {@code action} is this pipeline's uncompleted {@code INDICATE_RECEIVE_COMPLETE}. */
    boolean isOutstanding(Action.IndicateReceiveComplete action) {
        return action == outstanding;
    }

    /**
     * {@code complete} of the outstanding {@code INDICATE_RECEIVE_COMPLETE} (the engine checked it is, and that the
     * handle may receive) followed by {@code receive(operationContext)}, in one step: the receive operation stays
     * pending with its new context. When the chunk was the last buffered byte and nothing else waits (no decoded
     * output, no pong, no cancelled read), the next action can only be a read into the emptied buffer, and it is
     * handed out at once, as {@link #poll} would; otherwise null, and the engine polls.
     */
    Action completeChunkAndReceive(Object operationContext) {
        context = operationContext;
        rewindWhenDrained();
        if (writePos != 0 || decoderHasOutput() || pongPending || cancelled) {
            outstanding = null;
            return null;
        }
        return handOutRead(); // replaces the chunk as the outstanding action
    }

    /** The peer broke the protocol: forget the pending receive and any pong (it ends with the exception). */
    void fail() {
        pending = false;
        context = null;
        pongPending = false;
        outstanding = null;
    }

    boolean closeReceived() {
        return closeReceived;
    }

    /**
     * Payload bytes of the data frame being received that are still to come after the chunks handed out so far (its
     * header declared them); 0 between frames and in a message an extension decodes (its frames' lengths say nothing
     * of the decoded size).
     */
    long frameBytesAhead() {
        return inPayload && decoder == null ? frameRemaining : 0;
    }

    /**
     * Parses what is buffered into the next reportable unit, or null when more bytes are needed. The usual case
     * (a data frame's header, then its payload) stays in this method and the two it calls first; control frames,
     * message starts and extensions are out of line, so the JIT can inline the whole path into the handle's call.
     */
    private Action advance() {
        while (true) {
            if (decoderHasOutput()) {
                Action chunk = decodeStep();
                if (chunk != null) {
                    return chunk;
                }
                continue;
            }
            if (readPos == writePos) {
                return null; // nothing buffered (and maybe no memory held)
            }
            if (!inPayload) {
                int headerLength = parser.parse(bytes, readPos, writePos);
                if (headerLength == 0) {
                    return null;
                }
                Opcode opcode = parser.opcode();
                if (parser.control()) {
                    if (writePos - readPos - headerLength < parser.payloadLength()) {
                        return null;
                    }
                    Action unit = control(opcode, headerLength);
                    if (unit != null || pongPending) {
                        return unit;
                    }
                    continue;
                }
                readPos += headerLength;
                if (messageOpcode == null && parser.fin() && parser.rsv() == 0 && opcode != Opcode.CONTINUATION
                        && parser.payloadLength() <= writePos - readPos) {
                    return wholeMessage(opcode);
                }
                Action unit = startDataFrame(opcode);
                if (unit != null) {
                    return unit;
                }
                continue;
            }
            Action unit = payloadChunk();
            if (unit != null) {
                return unit;
            }
        }
    }

    /**
     * The buffered part of the current frame's payload (at least one byte is buffered): a chunk to hand out, or,
     * in a message an extension decodes, null after feeding it to the extension (then {@link #decoderHasOutput()}).
     */
    private Action payloadChunk() {
        ReceiveMemory held = memory;
        int available = (int) Math.min(writePos - readPos, frameRemaining);
        int start = readPos;
        readPos += available;
        frameRemaining -= available;
        if (frameMasked) {
            Masking.maskInPlace(held.buffer, start, readPos, frameMaskKey, maskOffset);
            maskOffset += available;
        }
        if (frameRemaining == 0) {
            inPayload = false;
        }
        boolean last = frameRemaining == 0 && frameFin;
        if (decoder == null) {
            return deliver(held.buffer, held.view, start, available, messageOpcode == Opcode.TEXT, last);
        }
        feedDecoder(start, last);
        return null;
    }

    /** Hands the payload bytes from {@code start} to {@code readPos} to the message's extension. */
    private void feedDecoder(int start, boolean last) {
        memory.extensionInput.limit(readPos).position(start);
        decoder.feed(memory.extensionInput, last);
    }

    /** Whether decoded output of the message in progress may be waiting. */
    private boolean decoderHasOutput() {
        ExtensionDecoding current = decoder;
        return current != null && current.hasOutput();
    }

    private Action startDataFrame(Opcode opcode) {
        long length = parser.payloadLength();
        if (opcode != Opcode.CONTINUATION || messageOpcode == null) {
            startMessage(opcode);
        }
        if (decoder == null) {
            messageBytes += length;
            checkSize();
        }
        frameFin = parser.fin();
        frameMasked = parser.masked();
        frameMaskKey = parser.maskKey();
        maskOffset = 0;
        frameRemaining = length;
        inPayload = length > 0;
        if (length > 0) {
            return null;
        }
        if (decoder != null) {
            feedDecoder(readPos, frameFin);
            return null;
        }
        return frameFin ? deliver(memory.buffer, memory.view, readPos, 0, messageOpcode == Opcode.TEXT, true) : null;
    }

    /**
     * The usual small message: one unfragmented frame without extension bits, wholly buffered, handed out as one
     * chunk at once (what {@link #startDataFrame} and {@link #payloadChunk} would do, without keeping frame state).
     */
    private Action wholeMessage(Opcode opcode) {
        int length = (int) parser.payloadLength();
        // Between messages messageOpcode and decoder are null already, and this message ends here: it leaves them so.
        if (maxMessageSize >= 0 && length > maxMessageSize) {
            messageBytes = length;
            checkSize();
        }
        int start = readPos;
        readPos += length;
        ReceiveMemory held = memory;
        if (parser.masked()) {
            Masking.maskInPlace(held.buffer, start, readPos, parser.maskKey(), 0);
        }
        boolean text = opcode == Opcode.TEXT;
        if (text) {
            utf8.reset();
        }
        return deliver(held.buffer, held.view, start, length, text, true);
    }

    /** A TEXT or BINARY frame starts a message; a CONTINUATION outside one, or a start inside one, is refused. */
    private void startMessage(Opcode opcode) {
        if (opcode == Opcode.CONTINUATION) {
            throw protocolError("a TEXT or BINARY frame to start a message, got CONTINUATION (RFC 6455 §5.4)",
                    "continuation without a message");
        }
        if (messageOpcode != null) {
            throw protocolError("CONTINUATION, got " + opcode + " inside a fragmented message (RFC 6455 §5.4)",
                    "new message inside a fragmented one");
        }
        messageOpcode = opcode;
        messageBytes = 0;
        utf8.reset();
        int rsv = parser.rsv();
        decoder = null;
        if (rsv != 0) {
            if (decoding == null || !decoding.startMessage(rsv)) {
                throw protocolError("RSV bits of exactly one negotiated extension, got 0x" + Integer.toHexString(rsv)
                        + " (RFC 6455 §5.2)", "unexpected RSV bits");
            }
            decoder = decoding;
        }
    }

    /** The decoded message's next chunk ({@link ExtensionDecoding#next()}); null when its extension needs input. */
    private Action decodeStep() {
        ExtensionDecoding current = decoder;
        if (!current.next()) {
            return null;
        }
        int length = current.chunkLength();
        messageBytes += length;
        checkSize();
        return deliver(current.buffer(), current.view(), current.chunkStart(), length, messageOpcode == Opcode.TEXT,
                current.isLastChunk());
    }

    private void checkSize() {
        if (maxMessageSize >= 0 && messageBytes > maxMessageSize) {
            throw new MessageTooBigException("expected a message of at most " + maxMessageSize + " bytes, got "
                    + messageBytes + " bytes so far (maxMessageSize, J6)");
        }
    }

    /** The chunk of {@code length} bytes at {@code start}; {@code text}: whether the message is TEXT. */
    private Action deliver(ByteBuffer source, ByteBuffer sourceView, int start, int length, boolean text, boolean last) {
        if (text && verifyUtf8) {
            if (!utf8.feed(source, start, start + length) || (last && !utf8.isComplete())) {
                throw new InvalidProtocolFormatException(CloseStatus.INVALID_PAYLOAD.withReason("invalid UTF-8 in text"),
                        "expected UTF-8 text, got a byte sequence that is not UTF-8 (RFC 6455 §8.1)");
            }
        }
        BufferType type = text ? (last ? BufferType.UTF8_MESSAGE : BufferType.UTF8_FRAGMENT)
                : (last ? BufferType.BINARY_MESSAGE : BufferType.BINARY_FRAGMENT);
        if (last) {
            messageOpcode = null;
            decoder = null;
        }
        sourceView.limit(start + length).position(start);
        // Chunks of decoded data are cached with the receive memory too: the view tells them apart.
        Action.IndicateReceiveComplete[] lastChunks = memory.lastChunks;
        Action.IndicateReceiveComplete chunk = lastChunks[type.ordinal()];
        if (chunk == null || chunk.data() != sourceView || chunk.context() != context) {
            chunk = new Action.IndicateReceiveComplete(type, sourceView, null, context);
            lastChunks[type.ordinal()] = chunk;
        }
        return chunk;
    }

    /** A whole control frame at {@code readPos}: consumed, unmasked; its unit, or null for a ping (answered). */
    private Action control(Opcode opcode, int headerLength) {
        int length = (int) parser.payloadLength();
        int start = readPos + headerLength;
        readPos = start + length;
        if (parser.masked()) {
            Masking.maskInPlace(memory.buffer, start, readPos, parser.maskKey(), 0);
        }
        switch (opcode) {
            case PING -> {
                if (!closeReceived) {
                    preparePong(start, length);
                }
                return null;
            }
            case PONG -> {
                ByteBuffer view = memory.view;
                view.limit(start + length).position(start);
                return new Action.IndicateReceiveComplete(BufferType.PONG, view, null, context);
            }
            case CLOSE -> {
                CloseStatus status = ClosePayload.parse(memory.buffer, start, length, verifyUtf8);
                closeReceived = true;
                readPos = writePos;
                ByteBuffer view = memory.view;
                view.limit(start).position(start);
                return new Action.IndicateReceiveComplete(BufferType.CLOSE, view, status, context);
            }
            default -> throw new AssertionError(opcode);
        }
    }

    private void preparePong(int start, int length) {
        ByteBuffer pong = this.pong;
        if (pong == null) {
            pong = this.pong = ByteBuffer.allocate(MAX_CONTROL_FRAME + 8);
        }
        pong.clear();
        int key = maskPongs && maskKeys != null ? maskKeys.next() : 0;
        FrameGenerator.writeHeader(pong, true, 0, Opcode.PONG, maskPongs, key, length);
        int payloadStart = pong.position();
        Masking.maskInto(memory.buffer, start, pong, payloadStart, length, key, 0);
        pong.position(payloadStart + length).flip();
        pongPending = true;
    }

    private void compact() {
        int leftover = writePos - readPos;
        if (readPos > 0) {
            System.arraycopy(bytes, readPos, bytes, 0, leftover);
            readPos = 0;
            writePos = leftover;
        }
    }

    static InvalidProtocolOperationException protocolError(String expectation, String reason) {
        return new InvalidProtocolOperationException(CloseStatus.PROTOCOL_ERROR.withReason(reason),
                "expected " + expectation);
    }
}
