package dev.socket2j.internal;

import java.util.Locale;

/** The running platform, checked once: socket2j speaks Linux only. */
public final class Platform {
    private Platform() {}

    public static final String OS = System.getProperty("os.name", "");
    public static final String ARCH = System.getProperty("os.arch", "");

    /** {@code SOL_SOCKET} option numbers follow one of these families of Linux architectures. */
    public enum SoFamily { GENERIC, POWERPC }

    public static final SoFamily SO_FAMILY;
    /** glibc packs {@code struct epoll_event} on x86_64 only (12 bytes there, 16 elsewhere). */
    public static final boolean EPOLL_EVENT_PACKED;

    static {
        if (!OS.toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new UnsupportedOperationException(
                "socket2j supports Linux only; this is " + OS + " on " + ARCH);
        }
        SO_FAMILY = switch (ARCH) {
            case "amd64", "x86_64", "aarch64", "riscv64", "s390x", "loongarch64" -> SoFamily.GENERIC;
            case "ppc64", "ppc64le" -> SoFamily.POWERPC;
            default -> throw new UnsupportedOperationException(
                "socket2j has no socket constant table for Linux on " + ARCH
                    + " (mips and sparc number SOL_SOCKET options differently)");
        };
        EPOLL_EVENT_PACKED = ARCH.equals("amd64") || ARCH.equals("x86_64");
    }
}
