package dev.socket2j.proxy;

import dev.socket2j.SockOpt;
import dev.socket2j.SocketOptions;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Command-line names of the option table: each {@link SockOpt} by its lowercased name ({@code so_keepalive},
 * {@code tcp_keepidle}), and by the snake_case name of its socket2 getter ({@code tcp_keepalive_time},
 * {@code reuse_port}). The getter names are not listed anywhere: each no-argument default getter of
 * {@link SocketOptions} is run once against a recording {@code SocketOptions} that notes which descriptor it
 * asks for, so the table stays the only place an option is declared.
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
        for (Method getter : SocketOptions.class.getMethods()) {
            if (!getter.isDefault() || getter.getParameterCount() != 0 || getter.getReturnType() == void.class
                || Modifier.isStatic(getter.getModifiers())) continue;
            SockOpt<?> asked = descriptorAskedBy(getter);
            if (asked != null) m.putIfAbsent(snake(getter.getName()), asked);
        }
        return m;
    }

    /** Signals the first {@code getOption} of a getter; carries its descriptor out of the call. */
    private static final class Asked extends RuntimeException {
        final transient SockOpt<?> opt;
        Asked(SockOpt<?> opt) { super(null, null, false, false); this.opt = opt; }
    }

    private static SockOpt<?> descriptorAskedBy(Method getter) {
        InvocationHandler recorder = (proxy, method, args) -> {
            if (method.getName().equals("getOption") && args != null && args.length == 1
                && args[0] instanceof SockOpt<?> o) throw new Asked(o);
            if (method.isDefault()) return InvocationHandler.invokeDefault(proxy, method, args);
            throw new UnsupportedOperationException(method.getName());
        };
        Object probe = Proxy.newProxyInstance(SocketOptions.class.getClassLoader(),
            new Class<?>[] {SocketOptions.class}, recorder);
        try {
            getter.invoke(probe);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            while (c != null && !(c instanceof Asked)) c = c.getCause();
            if (c instanceof Asked a) return a.opt;
        } catch (IllegalAccessException | RuntimeException e) {
            return null;
        }
        return null;
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
