package dev.socket2j.proxy;

import dev.socket2j.BaseSocket;
import dev.socket2j.SockOpt;

import java.io.IOException;
import java.lang.foreign.Arena;

/**
 * One {@code name=value} from the command line, resolved against the option table and parsed by the
 * descriptor's codec, so a bad name or value is refused before any socket exists.
 *
 * @param opt the descriptor
 * @param value the parsed value, of the codec's type
 * @param text the value as written
 */
record OptionSetting(SockOpt<?> opt, Object value, String text) {

    /** Parses {@code name=value}; the message of the exception is meant for the user. */
    static OptionSetting parse(String flag, String arg) throws UsageException {
        int eq = arg.indexOf('=');
        if (eq <= 0 || eq == arg.length() - 1) {
            throw new UsageException(flag + " expects name=value, got '" + arg + "'");
        }
        String name = arg.substring(0, eq);
        String text = arg.substring(eq + 1);
        SockOpt<?> opt = SockOptNames.resolve(name).orElseThrow(() -> new UsageException(
            flag + ": unknown socket option '" + name + "' (--list-options shows the names)"));
        if (!opt.writable()) throw new UsageException(flag + ": " + SockOptNames.nameOf(opt) + " is read-only");
        Object value;
        try {
            value = opt.codec().parse(text);
        } catch (RuntimeException e) {
            throw new UsageException(flag + ": bad value '" + text + "' for " + SockOptNames.nameOf(opt)
                + " (" + opt.codec().type().getSimpleName() + "): " + e.getMessage());
        }
        if (value == null) throw new UsageException(flag + ": bad value '" + text + "' for " + SockOptNames.nameOf(opt));
        String refused = encodeRefusal(opt, value);
        if (refused != null) {
            throw new UsageException(flag + ": bad value '" + text + "' for " + SockOptNames.nameOf(opt) + ": " + refused);
        }
        return new OptionSetting(opt, value, text);
    }

    /**
     * Runs the codec's encoder on {@code value} into scratch memory: the checks {@code setsockopt} would make in
     * Java (a name longer than the kernel's buffer, a duration out of the option's range) run now, before any
     * socket exists. Returns the encoder's complaint, or {@code null}.
     */
    private static String encodeRefusal(SockOpt<?> opt, Object value) {
        try (Arena arena = Arena.ofConfined()) {
            encode(opt, value, arena);
            return null;
        } catch (IllegalArgumentException | ClassCastException e) {
            return e.getMessage();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void encode(SockOpt<T> opt, Object value, Arena arena) {
        T v = (T) value;
        opt.codec().encode(v, arena.allocate(Math.max(1, opt.codec().encodedSize(v)), 8));
    }

    /** Writes the option on {@code socket}; the kernel's refusal comes back with the errno. */
    void applyTo(BaseSocket socket) throws IOException {
        apply(socket, opt, value);
    }

    @SuppressWarnings("unchecked")
    private static <T> void apply(BaseSocket socket, SockOpt<T> opt, Object value) throws IOException {
        socket.setOption(opt, (T) value);
    }

    /** The value as read back from {@code socket}, formatted by the codec. */
    static String read(BaseSocket socket, SockOpt<?> opt) throws IOException {
        return format(opt, socket.getOption(opt));
    }

    @SuppressWarnings("unchecked")
    private static <T> String format(SockOpt<T> opt, Object v) {
        return opt.codec().format((T) v);
    }

    @Override public String toString() { return SockOptNames.nameOf(opt) + "=" + text; }
}
