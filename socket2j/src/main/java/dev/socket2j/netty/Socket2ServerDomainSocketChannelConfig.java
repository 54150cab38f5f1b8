package dev.socket2j.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.NetUtil;

import java.util.Map;

import static dev.socket2j.netty.ConfigSupport.READ;

/**
 * The configuration of a {@link Socket2ServerDomainSocketChannel} (and of the io_uring engine's
 * {@link Socket2UringServerDomainSocketChannel}): {@code SO_BACKLOG}, {@code SO_RCVBUF} and every Unix stream socket
 * option of the table.
 */
public final class Socket2ServerDomainSocketChannelConfig extends DefaultChannelConfig {
    private static final ConfigSupport.Dispatch DISPATCH = new ConfigSupport.Dispatch(ChannelOption.SO_BACKLOG);
    private final ConfigSupport.OptionHost options;
    private volatile int backlog = NetUtil.SOMAXCONN;

    Socket2ServerDomainSocketChannelConfig(Socket2ServerDomainSocketChannel ch) { this(ch, ch.options); }

    /** The same configuration for the io_uring engine's {@link Socket2UringServerDomainSocketChannel}. */
    Socket2ServerDomainSocketChannelConfig(Socket2UringServerDomainSocketChannel ch) { this(ch, ch.options); }

    private Socket2ServerDomainSocketChannelConfig(Channel ch, ConfigSupport.OptionHost options) {
        super(ch);
        this.options = options;
    }

    /** Reads ({@code v == READ}) or writes an option kept in a field ({@link ConfigSupport.Dispatch}). */
    private Object localOption(ChannelOption<?> o, Object v) {
        if (o != ChannelOption.SO_BACKLOG) return ConfigSupport.NOT_LOCAL;
        return v == READ ? backlog : setBacklog((Integer) v);
    }

    @Override public Map<ChannelOption<?>, Object> getOptions() { return DISPATCH.list(options, this, super.getOptions()); }
    @Override public <T> T getOption(ChannelOption<T> o) { return DISPATCH.get(options, o, super.getOption(o), localOption(o, READ)); }
    @Override public <T> boolean setOption(ChannelOption<T> o, T v) {
        return super.setOption(o, v) || DISPATCH.set(options, o, v, localOption(o, v));
    }

    public int getBacklog() { return backlog; }

    /** @throws IllegalArgumentException if negative */
    public Socket2ServerDomainSocketChannelConfig setBacklog(int n) {
        if (n < 0) throw new IllegalArgumentException("backlog must be >= 0: " + n);
        backlog = n;
        return this;
    }

    @Override public Socket2ServerDomainSocketChannelConfig setConnectTimeoutMillis(int ms) {
        super.setConnectTimeoutMillis(ms);
        return this;
    }
    @Override @Deprecated public Socket2ServerDomainSocketChannelConfig setMaxMessagesPerRead(int n) {
        super.setMaxMessagesPerRead(n);
        return this;
    }
    @Override public Socket2ServerDomainSocketChannelConfig setWriteSpinCount(int n) { super.setWriteSpinCount(n); return this; }
    @Override public Socket2ServerDomainSocketChannelConfig setAllocator(ByteBufAllocator a) { super.setAllocator(a); return this; }
    @Override public Socket2ServerDomainSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator a) {
        super.setRecvByteBufAllocator(a);
        return this;
    }
    @Override public Socket2ServerDomainSocketChannelConfig setAutoRead(boolean on) { super.setAutoRead(on); return this; }
    @Override public Socket2ServerDomainSocketChannelConfig setWriteBufferHighWaterMark(int n) {
        super.setWriteBufferHighWaterMark(n);
        return this;
    }
    @Override public Socket2ServerDomainSocketChannelConfig setWriteBufferLowWaterMark(int n) {
        super.setWriteBufferLowWaterMark(n);
        return this;
    }
    @Override public Socket2ServerDomainSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark m) {
        super.setWriteBufferWaterMark(m);
        return this;
    }
    @Override public Socket2ServerDomainSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator e) {
        super.setMessageSizeEstimator(e);
        return this;
    }

    @Override
    protected void autoReadCleared() { ConfigSupport.clearReadPending(channel); }
}
