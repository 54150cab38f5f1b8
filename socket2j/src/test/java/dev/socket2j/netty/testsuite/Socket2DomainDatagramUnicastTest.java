package dev.socket2j.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.unix.DomainDatagramChannel;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.DatagramUnicastTest;

import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Netty's shared unicast datagram test over Unix datagram sockets (socket2j on both ends): every packet is a
 * {@link DomainDatagramPacket} whose recipient is the receiver's bound path.
 */
public class Socket2DomainDatagramUnicastTest extends DatagramUnicastTest {
    @Override
    protected List<BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return Socket2DatagramTestPermutation.INSTANCE.domainDatagram();
    }

    @Override
    protected SocketAddress newSocketAddress() { return Socket2DatagramTestPermutation.newDomainSocketAddress(); }

    @Override
    protected boolean supportDisconnect() { return false; }

    @Override
    protected boolean isConnected(Channel channel) { return ((DomainDatagramChannel) channel).isConnected(); }

    /** Checks one received packet: payload, and recipient = the receiving channel's address. */
    private static void check(ChannelHandlerContext ctx, DomainDatagramPacket p, byte[] expected) {
        ByteBuf buf = p.content();
        assertEquals(expected.length, buf.readableBytes());
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], buf.getByte(buf.readerIndex() + i));
        assertEquals(ctx.channel().localAddress(), p.recipient());
    }

    @Override
    protected Channel setupClientChannel(Bootstrap cb, byte[] bytes, CountDownLatch latch,
                                         AtomicReference<Throwable> errorRef) throws Throwable {
        cb.handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                try {
                    check(ctx, p, bytes);
                } finally {
                    latch.countDown();
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { errorRef.compareAndSet(null, cause); }
        });
        return cb.bind(newSocketAddress()).sync().channel();
    }

    @Override
    protected Channel setupServerChannel(Bootstrap sb, byte[] bytes, SocketAddress sender, CountDownLatch latch,
                                         AtomicReference<Throwable> errorRef, boolean echo) throws Throwable {
        sb.handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                try {
                    if (sender == null) {
                        assertNotNull(p.sender());
                    } else {
                        assertEquals(sender, p.sender());
                    }
                    check(ctx, p, bytes);
                    if (echo) ctx.writeAndFlush(new DomainDatagramPacket(p.content().retainedDuplicate(), p.sender()));
                } finally {
                    latch.countDown();
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { errorRef.compareAndSet(null, cause); }
        });
        return sb.bind(newSocketAddress()).sync().channel();
    }

    @Override
    protected ChannelFuture write(Channel cc, ByteBuf buf, SocketAddress remote, WrapType wrapType) {
        DomainSocketAddress to = (DomainSocketAddress) remote;
        ByteBuf data = switch (wrapType) {
            case DUP -> buf.retainedDuplicate();
            case SLICE -> buf.retainedSlice();
            case READ_ONLY -> buf.retain().asReadOnly();
            case NONE -> buf.retain();
        };
        return cc.write(new DomainDatagramPacket(data, to));
    }
}
