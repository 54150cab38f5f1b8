package dev.socket2j.netty.testsuite.uring;

import dev.socket2j.netty.Socket2UringDatagramChannel;
import dev.socket2j.netty.Socket2UringDomainDatagramChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketTestPermutation;

import java.util.List;
import java.util.function.Supplier;

/**
 * Netty's shared datagram tests on the io_uring engine, wired as {@code Socket2DatagramTestPermutation} wires the
 * epoll ones: UDP uring×uring, uring×NIO and NIO×uring; Unix datagrams uring×uring (NIO has none). The loop group is
 * the uring TCP permutation's, made on first use (test classes are skipped first where io_uring is unavailable).
 */
public final class Socket2UringDatagramTestPermutation extends SocketTestPermutation {
    public static final Socket2UringDatagramTestPermutation INSTANCE = new Socket2UringDatagramTestPermutation();

    private static BootstrapFactory<Bootstrap> factory(Supplier<EventLoopGroup> group, String name, Supplier<Channel> make) {
        return () -> new Bootstrap().group(group.get()).channelFactory(new ChannelFactory<Channel>() {
            @Override public Channel newChannel() { return make.get(); }
            @Override public String toString() { return name; }
        });
    }

    @Override
    public List<BootstrapComboFactory<Bootstrap, Bootstrap>> datagram(SocketProtocolFamily family) {
        List<BootstrapFactory<Bootstrap>> bfs = List.of(
            factory(Socket2UringSocketTestPermutation::group, "Socket2UringDatagramChannel(" + family + ")",
                () -> new Socket2UringDatagramChannel(family)),
            factory(() -> NIO_GROUP, "NioDatagramChannel(" + family + ")", () -> new NioDatagramChannel(family)));
        List<BootstrapComboFactory<Bootstrap, Bootstrap>> list = combo(bfs, bfs);
        list.remove(list.size() - 1);  // NIO x NIO
        return list;
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> datagramSocket() {
        return List.of(() -> new Bootstrap().group(Socket2UringSocketTestPermutation.group())
            .channel(Socket2UringDatagramChannel.class));
    }

    public List<BootstrapComboFactory<Bootstrap, Bootstrap>> domainDatagram() {
        List<BootstrapFactory<Bootstrap>> bfs = List.of(() -> new Bootstrap()
            .group(Socket2UringSocketTestPermutation.group()).channel(Socket2UringDomainDatagramChannel.class));
        return combo(bfs, bfs);
    }
}
