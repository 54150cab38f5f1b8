package dev.socket2j.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ServerSocketChannelConfig;
import io.netty.util.NetUtil;

import java.util.Map;

import static dev.socket2j.netty.ConfigSupport.READ;

/**
 * The configuration of a {@link Socket2ServerSocketChannel} (and of the io_uring engine's
 * {@link Socket2UringServerSocketChannel}): {@code SO_BACKLOG}, {@code TCP_FASTOPEN} (the queue
 * of pending Fast Open requests, set before listen), and every socket option as for
 * {@link Socket2SocketChannelConfig}. {@code SO_REUSEADDR} is on by default, as in Netty's epoll transport.
 */
public final class Socket2ServerSocketChannelConfig extends DefaultChannelConfig implements ServerSocketChannelConfig {
    private static final ConfigSupport.Dispatch DISPATCH =
        new ConfigSupport.Dispatch(ChannelOption.SO_BACKLOG, ChannelOption.TCP_FASTOPEN);
    private final ConfigSupport.OptionHost options;
    private volatile int backlog = NetUtil.SOMAXCONN;
    private volatile int tcpFastOpen;

    Socket2ServerSocketChannelConfig(Socket2ServerSocketChannel ch) { this(ch, ch.options); }

    /** The same configuration for the io_uring engine's server channel. */
    Socket2ServerSocketChannelConfig(Socket2UringServerSocketChannel ch) { this(ch, ch.options); }

    private Socket2ServerSocketChannelConfig(Channel ch, ConfigSupport.OptionHost options) {
        super(ch);
        this.options = options;
        setReuseAddress(true);
    }

    /** Reads ({@code v == READ}) or writes an option kept in a field ({@link ConfigSupport.Dispatch}). */
    private Object localOption(ChannelOption<?> o, Object v) {
        if (o == ChannelOption.SO_BACKLOG) return v == READ ? backlog : setBacklog((Integer) v);
        if (o == ChannelOption.TCP_FASTOPEN) return v == READ ? tcpFastOpen : setTcpFastOpen((Integer) v);
        return ConfigSupport.NOT_LOCAL;
    }

    @Override public Map<ChannelOption<?>, Object> getOptions() { return DISPATCH.list(options, this, super.getOptions()); }
    @Override public <T> T getOption(ChannelOption<T> o) { return DISPATCH.get(options, o, super.getOption(o), localOption(o, READ)); }
    @Override public <T> boolean setOption(ChannelOption<T> o, T v) {
        return super.setOption(o, v) || DISPATCH.set(options, o, v, localOption(o, v));
    }

    /** The Fast Open queue length given to {@code TCP_FASTOPEN} at bind; 0 leaves Fast Open off. */
    public int getTcpFastOpen() { return tcpFastOpen; }

    /** @throws IllegalArgumentException if negative */
    public Socket2ServerSocketChannelConfig setTcpFastOpen(int pending) {
        if (pending < 0) throw new IllegalArgumentException("TCP_FASTOPEN queue must be >= 0: " + pending);
        tcpFastOpen = pending;
        return this;
    }

    @Override public int getBacklog() { return backlog; }

    @Override
    public Socket2ServerSocketChannelConfig setBacklog(int n) {
        if (n < 0) throw new IllegalArgumentException("backlog must be >= 0: " + n);
        backlog = n;
        return this;
    }

    @Override public boolean isReuseAddress() { return getOption(ChannelOption.SO_REUSEADDR); }
    @Override public Socket2ServerSocketChannelConfig setReuseAddress(boolean on) {
        setOption(ChannelOption.SO_REUSEADDR, on);
        return this;
    }
    @Override public int getReceiveBufferSize() { return getOption(ChannelOption.SO_RCVBUF); }
    @Override public Socket2ServerSocketChannelConfig setReceiveBufferSize(int n) { setOption(ChannelOption.SO_RCVBUF, n); return this; }
    @Override public Socket2ServerSocketChannelConfig setPerformancePreferences(int c, int l, int b) { return this; }

    @Override public Socket2ServerSocketChannelConfig setConnectTimeoutMillis(int ms) { super.setConnectTimeoutMillis(ms); return this; }
    @Override @Deprecated public Socket2ServerSocketChannelConfig setMaxMessagesPerRead(int n) {
        super.setMaxMessagesPerRead(n);
        return this;
    }
    @Override public Socket2ServerSocketChannelConfig setWriteSpinCount(int n) { super.setWriteSpinCount(n); return this; }
    @Override public Socket2ServerSocketChannelConfig setAllocator(ByteBufAllocator a) { super.setAllocator(a); return this; }
    @Override public Socket2ServerSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator a) {
        super.setRecvByteBufAllocator(a);
        return this;
    }
    @Override public Socket2ServerSocketChannelConfig setAutoRead(boolean on) { super.setAutoRead(on); return this; }
    @Override public Socket2ServerSocketChannelConfig setWriteBufferHighWaterMark(int n) {
        super.setWriteBufferHighWaterMark(n);
        return this;
    }
    @Override public Socket2ServerSocketChannelConfig setWriteBufferLowWaterMark(int n) {
        super.setWriteBufferLowWaterMark(n);
        return this;
    }
    @Override public Socket2ServerSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark m) {
        super.setWriteBufferWaterMark(m);
        return this;
    }
    @Override public Socket2ServerSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator e) {
        super.setMessageSizeEstimator(e);
        return this;
    }

    @Override
    protected void autoReadCleared() { ConfigSupport.clearReadPending(channel); }
}
