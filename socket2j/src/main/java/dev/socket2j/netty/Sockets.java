package dev.socket2j.netty;

import dev.socket2j.Domain;
import dev.socket2j.SockRef;
import dev.socket2j.Socket;
import dev.socket2j.SocketKind;
import dev.socket2j.Type;
import dev.socket2j.internal.C;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.unix.DomainDatagramChannel;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.channel.unix.ServerDomainSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Socket creation for the channels, and the kernel features probed once. */
final class Sockets {
    private Sockets() {}

    /** The kind of socket a channel holds, from the Netty interface it implements and its family (either engine). */
    static SocketKind kindOf(Channel ch, boolean ipv6) {
        boolean unix = ch instanceof DomainSocketChannel || ch instanceof ServerDomainSocketChannel
            || ch instanceof DomainDatagramChannel;
        boolean dgram = ch instanceof DatagramChannel || ch instanceof DomainDatagramChannel;
        if (unix) return dgram ? SocketKind.UNIX_DGRAM : SocketKind.UNIX_STREAM;
        if (dgram) return ipv6 ? SocketKind.UDP_V6 : SocketKind.UDP_V4;
        return ipv6 ? SocketKind.TCP_V6 : SocketKind.TCP_V4;
    }

    /** net.ipv4.tcp_fastopen bit 1: clients may send data in the SYN; bit 2: servers may accept it. */
    private static final int FASTOPEN_MODE = readFastOpenMode();
    static final boolean FASTOPEN_CLIENT = (FASTOPEN_MODE & 1) != 0;
    static final boolean FASTOPEN_SERVER = (FASTOPEN_MODE & 2) != 0;
    private static final boolean IPV6 = probeIpv6();

    /** net.ipv4.tcp_fastopen now; 0 where it cannot be read (no /proc in a sandbox): nothing shown to work. */
    static int readFastOpenMode() {
        try {
            return Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/tcp_fastopen")).trim());
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static boolean probeIpv6() {
        if (Boolean.getBoolean("java.net.preferIPv4Stack")) return false;
        try (Socket probe = Socket.open(Domain.IPV6, Type.STREAM)) {
            return probe.rawFd() >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    static SocketProtocolFamily preferredFamily() { return IPV6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET; }

    static Socket newStream(SocketProtocolFamily family) {
        Domain d = switch (family) {
            case INET -> Domain.IPV4;
            case INET6 -> Domain.IPV6;
            default -> throw new IllegalArgumentException("not an IP family: " + family);
        };
        try {
            return Socket.open(d, new Type(C.SOCK_STREAM | C.SOCK_NONBLOCK));
        } catch (IOException e) {
            throw new ChannelException("cannot open a " + family + " stream socket", e);
        }
    }

    static boolean isIpv6(int fd) {
        try {
            return SockRef.of(fd).localAddr().isIpv6();
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    static boolean isConnected(int fd) {
        try {
            SockRef.of(fd).peerAddr();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
