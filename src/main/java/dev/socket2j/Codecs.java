package dev.socket2j;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/** The value codecs of the option table. */
public final class Codecs {
    private Codecs() {}

    /** A C {@code int} read as {@code value != 0}, written as 0/1. */
    public static final Codec<Boolean> BOOL = new Codec<>() {
        @Override public Class<?> type() { return Boolean.class; }
        @Override public int size() { return 4; }
        @Override public int encode(Boolean v, MemorySegment buf) { buf.set(JAVA_INT, 0, v ? 1 : 0); return 4; }
        @Override public Boolean decode(MemorySegment buf, int len) { return readInt(buf, len) != 0; }
        @Override public Boolean parse(String text) {
            return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "true", "on", "yes", "1" -> true;
                case "false", "off", "no", "0" -> false;
                default -> throw new IllegalArgumentException("not a boolean: " + text);
            };
        }
    };

    /** A C {@code int} over its whole range. */
    public static final Codec<Integer> INT = intRange(Integer.MIN_VALUE, Integer.MAX_VALUE);

    /** A C {@code int} restricted to {@code [min, max]}; a value outside is refused before the syscall. */
    public static Codec<Integer> intRange(long min, long max) {
        return new Codec<>() {
            @Override public Class<?> type() { return Integer.class; }
            @Override public int size() { return 4; }
            @Override public int encode(Integer v, MemorySegment buf) {
                if (v < min || v > max) throw new IllegalArgumentException("value " + v + " outside " + min + ".." + max);
                buf.set(JAVA_INT, 0, v);
                return 4;
            }
            @Override public Integer decode(MemorySegment buf, int len) { return readInt(buf, len); }
            @Override public Integer parse(String text) { return Math.toIntExact(parseLong(text)); }
        };
    }

    /** Reads a C int the kernel may have shortened to one byte (some IP options do). */
    static int readInt(MemorySegment buf, int len) {
        return len >= 4 ? buf.get(JAVA_INT, 0) : len >= 1 ? buf.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) & 0xFF : 0;
    }

    /** Decimal, {@code 0x} hex, or {@code 0b} binary, with an optional {@code _} separator. */
    static long parseLong(String text) {
        String t = text.trim().replace("_", "");
        boolean neg = t.startsWith("-");
        if (neg) t = t.substring(1);
        long v;
        if (t.startsWith("0x") || t.startsWith("0X")) v = Long.parseUnsignedLong(t.substring(2), 16);
        else if (t.startsWith("0b") || t.startsWith("0B")) v = Long.parseUnsignedLong(t.substring(2), 2);
        else v = Long.parseLong(t);
        return neg ? -v : v;
    }
}
