package dev.socket2j.netty.testsuite;

import dev.socket2j.netty.Socket2DatagramChannel;
import dev.socket2j.netty.Socket2DomainDatagramChannel;
import dev.socket2j.netty.Socket2DomainSocketChannel;
import dev.socket2j.netty.Socket2ServerDomainSocketChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketTestPermutation;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

import static dev.socket2j.netty.testsuite.Socket2SocketTestPermutation.SOCKET2_GROUP;

/**
 * Netty's shared datagram and Unix-domain tests on socket2j, wired as Netty's epoll module wires its own: UDP
 * socket2j×socket2j, socket2j×NIO and NIO×socket2j; Unix stream and datagram socket2j×socket2j (NIO has no
 * Unix datagrams, and its Unix stream channel is another class family).
 */
public final class Socket2DatagramTestPermutation extends SocketTestPermutation {
    public static final Socket2DatagramTestPermutation INSTANCE = new Socket2DatagramTestPermutation();

    private static BootstrapFactory<Bootstrap> factory(io.netty.channel.EventLoopGroup group, String name,
                                                       Supplier<Channel> make) {
        return () -> new Bootstrap().group(group).channelFactory(new ChannelFactory<Channel>() {
            @Override public Channel newChannel() { return make.get(); }
            @Override public String toString() { return name; }
        });
    }

    @Override
    public List<BootstrapComboFactory<Bootstrap, Bootstrap>> datagram(SocketProtocolFamily family) {
        List<BootstrapFactory<Bootstrap>> bfs = List.of(
            factory(SOCKET2_GROUP, "Socket2DatagramChannel(" + family + ")", () -> new Socket2DatagramChannel(family)),
            factory(NIO_GROUP, "NioDatagramChannel(" + family + ")", () -> new NioDatagramChannel(family)));
        List<BootstrapComboFactory<Bootstrap, Bootstrap>> list = combo(bfs, bfs);
        list.remove(list.size() - 1);  // NIO x NIO
        return list;
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> datagramSocket() {
        return List.of(() -> new Bootstrap().group(SOCKET2_GROUP).channel(Socket2DatagramChannel.class));
    }

    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> domainSocket() {
        List<BootstrapFactory<Bootstrap>> clients = List.of(
            () -> new Bootstrap().group(SOCKET2_GROUP).channel(Socket2DomainSocketChannel.class));
        return combo(serverDomainSocket(), clients);
    }

    public List<BootstrapFactory<ServerBootstrap>> serverDomainSocket() {
        return List.of(() -> new ServerBootstrap().group(SOCKET2_GROUP).channel(Socket2ServerDomainSocketChannel.class));
    }

    public List<BootstrapComboFactory<Bootstrap, Bootstrap>> domainDatagram() {
        List<BootstrapFactory<Bootstrap>> bfs = List.of(
            () -> new Bootstrap().group(SOCKET2_GROUP).channel(Socket2DomainDatagramChannel.class));
        return combo(bfs, bfs);
    }

    /** A fresh pathname in the temporary directory (the file is deleted: bind creates it). */
    public static DomainSocketAddress newDomainSocketAddress() {
        try {
            File f = File.createTempFile("socket2j-netty", ".sock");
            if (!f.delete()) throw new IOException("cannot delete " + f);
            f.deleteOnExit();
            return new DomainSocketAddress(f);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
