package dev.ferry.protocol.frame;

/** The frame opcodes RFC 6455 §5.2 defines. The reserved values 3-7 and 0xB-0xF have no constant. */
public enum Opcode {
    CONTINUATION(0x0),
    TEXT(0x1),
    BINARY(0x2),
    CLOSE(0x8),
    PING(0x9),
    PONG(0xA);

    private static final Opcode[] BY_CODE = new Opcode[16];

    static {
        for (Opcode opcode : values()) {
            BY_CODE[opcode.code] = opcode;
        }
    }

    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    /** The 4-bit value on the wire. */
    public int code() {
        return code;
    }

    /** Whether this is a control frame opcode (RFC 6455 §5.5: the high bit of the opcode is set). */
    public boolean isControl() {
        return (code & 0x8) != 0;
    }

    /** The opcode for a 4-bit wire value, or null for a reserved value. */
    public static Opcode of(int code) {
        return BY_CODE[code & 0xF];
    }
}
