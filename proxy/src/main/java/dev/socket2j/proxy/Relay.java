package dev.socket2j.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.atomic.LongAdder;

/**
 * Copies what one side reads to the other side. Backpressure: when the other side's outbound buffer passes
 * its high water mark, reading from this side stops until it drains (so memory per connection stays under
 * the water mark plus one read). Half-close: an EOF here becomes a {@code shutdown(SHUT_WR)} there, after
 * what was read before it has been written; the pair closes once both directions are done.
 */
final class Relay extends ChannelInboundHandlerAdapter {
    private final Connection conn;
    private final Channel peer;
    private final LongAdder bytes;

    Relay(Connection conn, Channel peer, LongAdder bytes) {
        this.conn = conn;
        this.peer = peer;
        this.bytes = bytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!peer.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf b) bytes.add(b.readableBytes());
        peer.write(msg, peer.voidPromise());
        if (!peer.isWritable()) {
            peer.flush();
            if (!peer.isWritable()) {
                ctx.channel().config().setAutoRead(false);
                conn.stats().pauses.increment();
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // This side drained: the peer may read again.
        if (ctx.channel().isWritable() && !peer.config().isAutoRead() && peer.isActive()) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE) {
            // EOF from this side: pass it on once everything before it is written.
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
                if (peer instanceof DuplexChannel d && peer.isActive()) {
                    d.shutdownOutput().addListener((ChannelFutureListener) g -> closeIfDone(ctx.channel()));
                } else {
                    ctx.channel().close();
                }
            });
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void closeIfDone(Channel self) {
        if (self instanceof DuplexChannel d && d.isInputShutdown() && d.isOutputShutdown()) {
            self.close();
            peer.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (peer.isActive()) peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        if (ctx.channel() == conn.inbound()) conn.closed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        conn.error(ctx.channel() == conn.inbound() ? "client side" : "upstream side", cause);
        ctx.close();
        peer.close();
    }
}
