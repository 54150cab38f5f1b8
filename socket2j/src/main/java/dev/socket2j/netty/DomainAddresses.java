package dev.socket2j.netty;

import dev.socket2j.SockAddr;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.PeerCredentials;

import java.io.File;
import java.lang.reflect.Constructor;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Netty's {@link DomainSocketAddress} to and from {@code sockaddr_un}: a path starting with NUL ({@code "\0name"})
 * is an abstract address (Linux), as in Netty's epoll transport; the unnamed address (a {@code socketpair} end, an
 * unbound client) is {@code DomainSocketAddress("")}, as Netty's epoll transport reports it.
 */
final class DomainAddresses {
    private DomainAddresses() {}

    private static final DomainSocketAddress UNNAMED = new DomainSocketAddress("");

    static SockAddr toKernel(SocketAddress address) {
        if (address instanceof DomainSocketAddress d) return SockAddr.unix(d.path().getBytes(StandardCharsets.UTF_8));
        if (address instanceof UnixDomainSocketAddress u) return SockAddr.of(u);
        throw new IllegalArgumentException("not a Unix domain address: " + address);
    }

    static DomainSocketAddress fromKernel(SockAddr a) {
        if (a == null || !a.isUnix()) return null;
        if (a.isUnnamed()) return UNNAMED;
        var path = a.asPathname();
        if (path.isPresent()) return new DomainSocketAddress(path.get().toString());
        byte[] name = a.asAbstractNamespace().orElse(null);
        return name == null ? null : new DomainSocketAddress("\0" + new String(name, StandardCharsets.UTF_8));
    }

    /**
     * Deletes the socket file a listener bound to {@code local} (a pathname; abstract and unnamed addresses leave no
     * file): the file outlives the socket, and removing it at close frees the name for the next bind, as Netty's
     * epoll transport does.
     */
    static void deleteSocketFile(SocketAddress local) {
        if (local instanceof DomainSocketAddress l && !l.path().isEmpty() && l.path().charAt(0) != '\0') {
            new File(l.path()).delete();
        }
    }

    /** Netty's {@link PeerCredentials} has a package-private constructor: reached once by reflection. */
    private static final Constructor<PeerCredentials> CREDENTIALS;
    static {
        Constructor<PeerCredentials> c;
        try {
            c = PeerCredentials.class.getDeclaredConstructor(int.class, int.class, int[].class);
            c.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            c = null;  // a module layer that does not open io.netty.channel.unix: peerCredentials() says so
        }
        CREDENTIALS = c;
    }

    static PeerCredentials credentials(dev.socket2j.PeerCredentials c) {
        if (CREDENTIALS == null) {
            throw new UnsupportedOperationException("io.netty.channel.unix.PeerCredentials cannot be constructed here;"
                + " use socket().peerCredentials()");
        }
        try {
            return CREDENTIALS.newInstance(c.pid(), c.uid(), new int[] {c.gid()});
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
