package dev.socket2j.proxy;

import dev.socket2j.SockOpt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Command-line names of the option table: each {@link SockOpt} by its lowercased name ({@code so_keepalive},
 * {@code tcp_keepidle}), and by the names of its socket2 getters, which the descriptor carries
 * ({@link SockOpt#socket2Names()}: {@code tcp_keepalive_time}, {@code reuse_port}). The table stays the only place
 * an option is declared.
 */
final class SockOptNames {
    private static final Map<String, SockOpt<?>> BY_NAME = build();

    private SockOptNames() {}

    /** The descriptor for {@code name} (case-insensitive, {@code -} or {@code _}), if any. */
    static Optional<SockOpt<?>> resolve(String name) {
        return Optional.ofNullable(BY_NAME.get(normalize(name)));
    }

    /** Every accepted name and its descriptor (table names first, then getter names). */
    static Map<String, SockOpt<?>> all() { return Collections.unmodifiableMap(BY_NAME); }

    /** The name a descriptor is shown with: its table name, lowercased. */
    static String nameOf(SockOpt<?> opt) { return opt.name().toLowerCase(Locale.ROOT); }

    private static String normalize(String name) {
        return name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    }

    private static Map<String, SockOpt<?>> build() {
        Map<String, SockOpt<?>> m = new LinkedHashMap<>();
        for (SockOpt<?> opt : SockOpt.all()) m.put(nameOf(opt), opt);
        for (SockOpt<?> opt : SockOpt.all()) {
            for (String getter : opt.socket2Names()) m.putIfAbsent(getter, opt);
        }
        return m;
    }

    /** {@code tcpKeepaliveTime} → {@code tcp_keepalive_time}; {@code joinMulticastV4N} → {@code join_multicast_v4_n}. */
    static String snake(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 8);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) b.append('_');
                b.append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
