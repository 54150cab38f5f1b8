package dev.socket2j.netty;

import dev.socket2j.SockRef;
import dev.socket2j.internal.Epoll;
import dev.socket2j.internal.Sys;
import io.netty.channel.unix.UnixChannel;

/**
 * Whether the socket2j transport can run here, in the shape of Netty's {@code Epoll} and {@code IoUring} classes,
 * so a bootstrap can choose: {@code Socket2.isAvailable() ? Socket2IoHandler.newFactory() : NioIoHandler.newFactory()}.
 *
 * <p>It needs Linux on an architecture whose socket constants it knows, a JDK with the FFM API (22+), and the
 * kernel's {@code epoll_create1(2)} and {@code eventfd(2)}; the check opens and closes one of each, once. There is no
 * native library to load. Without {@code --enable-native-access=ALL-UNNAMED} (or the module's name) the JDK prints a
 * warning on first use and, from the release that denies it by default, refuses: that refusal is the cause reported.
 */
public final class Socket2 {
    private static final Throwable UNAVAILABILITY_CAUSE = probe();

    private Socket2() {}

    private static Throwable probe() {
        try {
            int ep = Epoll.create();
            Sys.closeQuietly(ep);
            int ev = Epoll.eventfd();
            Sys.closeQuietly(ev);
            return null;
        } catch (Throwable t) {   // unsupported OS or architecture (class init), refused native access, EMFILE...
            return t;
        }
    }

    /** Whether the transport's event loops and channels can be used here. */
    public static boolean isAvailable() { return UNAVAILABILITY_CAUSE == null; }

    /**
     * Throws if the transport cannot be used here.
     *
     * @throws UnsatisfiedLinkError (as Netty's {@code Epoll.ensureAvailability()} does, so code written for it
     *     keeps working) with the reason as its cause
     */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw (Error) new UnsatisfiedLinkError("the socket2j transport is not available here: "
                + UNAVAILABILITY_CAUSE).initCause(UNAVAILABILITY_CAUSE);
        }
    }

    /**
     * Borrows the descriptor of a Netty {@link UnixChannel}: socket2j's own channels, or Netty's epoll and io_uring
     * ones. The reference never closes it. For a socket2j channel it is the channel's {@code socket()}, which fails
     * with {@code ClosedChannelException} once the channel has closed; for another transport's channel it acts on
     * whatever the number names after that channel closed: use it only while the channel is open.
     */
    public static SockRef sockRef(UnixChannel channel) {
        if (channel instanceof AbstractSocket2Channel own) return own.socket();
        return SockRef.of(channel.fd().intValue());
    }

    /** Why the transport cannot be used here, or {@code null} if it can. */
    public static Throwable unavailabilityCause() { return UNAVAILABILITY_CAUSE; }

    /**
     * Whether clients may send data in the SYN ({@code net.ipv4.tcp_fastopen} has bit 1 set, the kernel's default),
     * so {@code ChannelOption.TCP_FASTOPEN_CONNECT} has an effect. Read from {@code /proc} on each call.
     */
    public static boolean isTcpFastOpenClientSideAvailable() { return (Sockets.readFastOpenMode() & 1) != 0; }

    /**
     * Whether listeners may accept data in the SYN ({@code net.ipv4.tcp_fastopen} has bit 2 set), so a server's
     * {@code ChannelOption.TCP_FASTOPEN} queue length has an effect. Read from {@code /proc} on each call.
     */
    public static boolean isTcpFastOpenServerSideAvailable() { return (Sockets.readFastOpenMode() & 2) != 0; }
}
