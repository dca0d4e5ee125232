package dev.ferry.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One line of {@code vectors/frames.txt}: bytes a handle of some role receives, and what it must report. */
record FrameVector(String name, Role role, byte[] bytes, List<String> expected, HandleProperties properties) {

    private static final Pattern REPEAT = Pattern.compile("\\{(\\d+)\\*([0-9a-fA-F]{2})}");

    @Override
    public String toString() {
        return name;
    }

    static List<FrameVector> load(String resource) {
        List<FrameVector> vectors = new ArrayList<>();
        try (InputStream in = FrameVector.class.getResourceAsStream(resource)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                vectors.add(parse(line));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return vectors;
    }

    static FrameVector parse(String line) {
        String[] columns = line.split("\\|");
        String name = columns[0].trim();
        Role role = Role.valueOf(columns[1].trim().toUpperCase());
        byte[] bytes = hex(columns[2]);
        List<String> expected = new ArrayList<>();
        for (String token : columns[3].trim().split("\\s+")) {
            expected.add(expandHex(token));
        }
        HandleProperties.Builder builder = HandleProperties.builder();
        if (columns.length > 4) {
            for (String option : columns[4].trim().split("\\s+")) {
                if (option.startsWith("max=")) {
                    builder.maxMessageSize(Long.parseLong(option.substring(4)));
                } else if (option.equals("noutf8")) {
                    builder.disableUtf8Verification(true);
                } else if (option.equals("nomask")) {
                    builder.disableMasking(true);
                } else {
                    throw new IllegalArgumentException("unknown option " + option + " in " + name);
                }
            }
        }
        return new FrameVector(name, role, bytes, expected, builder.build());
    }

    /** Hex with whitespace, where {N*xx} stands for N bytes xx. */
    static byte[] hex(String column) {
        return HexFormat.of().parseHex(expandHex(column.replaceAll("\\s+", "")));
    }

    private static String expandHex(String text) {
        Matcher m = REPEAT.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, m.group(2).toLowerCase().repeat(Integer.parseInt(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Events of a recorder in the vector notation. */
    static List<String> describe(ActionRecorder recorder) {
        List<String> out = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        while (!recorder.isEmpty()) {
            ActionRecorder.Event e = recorder.next();
            if (e instanceof ActionRecorder.Received r) {
                switch (r.type()) {
                    case UTF8_MESSAGE -> out.add("text:" + hex.formatHex(r.data()));
                    case BINARY_MESSAGE -> out.add("binary:" + hex.formatHex(r.data()));
                    case PONG -> out.add("pong:" + hex.formatHex(r.data()));
                    case CLOSE -> {
                        byte[] reason = r.closeStatus().reason().getBytes(StandardCharsets.UTF_8);
                        out.add("close:" + r.closeStatus().code() + (reason.length == 0 ? "" : ":" + hex.formatHex(reason)));
                    }
                    default -> out.add("unexpected:" + r);
                }
            } else if (e instanceof ActionRecorder.AutoPong p) {
                out.add("autopong:" + hex.formatHex(p.payload()));
            } else if (e instanceof ActionRecorder.Failed f) {
                out.add("fail:" + f.exception().closeStatus().code());
            } else {
                out.add("unexpected:" + e);
            }
        }
        return out;
    }

    static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    static byte[] slice(byte[] bytes, int from, int to) {
        return Arrays.copyOfRange(bytes, from, to);
    }
}
