package dev.socket2j.proxy;

import dev.socket2j.netty.Socket2SocketChannel;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Zero-copy forwarding ({@code --splice}): each direction is one {@code spliceTo(…, Integer.MAX_VALUE)}, so the
 * bytes go socket → pipe → socket inside the kernel. Backpressure is the splice's own (a side stops reading while
 * the other has not written out one pipe's worth); an end of stream becomes a {@code shutdown(SHUT_WR)} on the other
 * side once its bytes are written, and the pair closes when both directions have ended or either fails. Byte
 * counts come from the splices' progress.
 */
final class Splicing {
    private final Connection conn;
    private final Socket2SocketChannel in, up;
    /** Directions that ended with their end of stream passed on (loop-confined). */
    private int ended;

    private Splicing(Connection conn, Socket2SocketChannel in, Socket2SocketChannel up) {
        this.conn = conn;
        this.in = in;
        this.up = up;
    }

    /**
     * Starts both directions; {@code early} is what the client sent while the upstream connected (written first),
     * {@code clientEnded} whether the client's end of stream came with it. Both channels are on one event loop.
     */
    static void start(Connection conn, Socket2SocketChannel in, Socket2SocketChannel up, List<Object> early,
                      boolean clientEnded) {
        Splicing s = new Splicing(conn, in, up);
        in.closeFuture().addListener(f -> up.close());
        up.closeFuture().addListener(f -> in.close());
        ChannelFuture lastEarly = null;
        for (Object m : early) {
            if (m instanceof ByteBuf b) conn.stats().upstreamBytes.add(b.readableBytes());
            lastEarly = up.write(m);
        }
        up.flush();
        if (clientEnded) {
            if (lastEarly == null) s.ended(up); else lastEarly.addListener(f -> s.ended(up));
        } else {
            s.direction(in, up, conn.stats().upstreamBytes, "client side");
        }
        s.direction(up, in, conn.stats().downstreamBytes, "upstream side");
    }

    private void direction(Socket2SocketChannel from, Socket2SocketChannel to, LongAdder bytes, String side) {
        ChannelProgressivePromise p = from.newProgressivePromise();
        p.addListener(new ChannelProgressiveFutureListener() {
            private long counted;

            @Override
            public void operationProgressed(ChannelProgressiveFuture f, long progress, long total) {
                bytes.add(progress - counted);
                counted = progress;
            }

            @Override
            public void operationComplete(ChannelProgressiveFuture f) {
                if (f.isSuccess()) {
                    ended(to);
                } else {
                    if (from.isActive() && to.isActive()) conn.error(side, f.cause());
                    from.close();
                    to.close();
                }
            }
        });
        from.spliceTo(to, Integer.MAX_VALUE, p);
    }

    /** One side's end of stream reached {@code to}: half-close it; when both have, close the pair. */
    private void ended(Socket2SocketChannel to) {
        to.shutdownOutput().addListener(f -> {
            if (++ended == 2 || !f.isSuccess()) {
                in.close();
                up.close();
            }
        });
    }
}
