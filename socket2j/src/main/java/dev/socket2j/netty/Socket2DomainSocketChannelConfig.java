package dev.socket2j.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DuplexChannelConfig;
import io.netty.channel.unix.DomainSocketChannelConfig;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.UnixChannelOption;

import java.util.Map;
import java.util.Objects;

import static dev.socket2j.netty.ConfigSupport.READ;

/**
 * The configuration of a {@link Socket2DomainSocketChannel} (and of the io_uring engine's
 * {@link Socket2UringDomainSocketChannel}): {@code DOMAIN_SOCKET_READ_MODE},
 * {@code ALLOW_HALF_CLOSURE}, {@code SO_SNDBUF}/{@code SO_RCVBUF}, and every Unix stream socket option of the table
 * as a {@link Socket2ChannelOption}.
 */
public final class Socket2DomainSocketChannelConfig extends DefaultChannelConfig
        implements DomainSocketChannelConfig, DuplexChannelConfig {
    private static final ConfigSupport.Dispatch DISPATCH =
        new ConfigSupport.Dispatch(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, ChannelOption.ALLOW_HALF_CLOSURE);
    private final ConfigSupport.OptionHost options;
    private volatile DomainSocketReadMode readMode = DomainSocketReadMode.BYTES;
    private volatile boolean allowHalfClosure;

    Socket2DomainSocketChannelConfig(AbstractSocket2Channel ch) { this(ch, ch.options); }

    /** The same configuration for the io_uring engine's {@link Socket2UringDomainSocketChannel}. */
    Socket2DomainSocketChannelConfig(Socket2UringDomainSocketChannel ch) { this(ch, ch.options); }

    private Socket2DomainSocketChannelConfig(Channel ch, ConfigSupport.OptionHost options) {
        super(ch);
        this.options = options;
    }

    /** Reads ({@code v == READ}) or writes an option kept in a field ({@link ConfigSupport.Dispatch}). */
    private Object localOption(ChannelOption<?> o, Object v) {
        if (o == UnixChannelOption.DOMAIN_SOCKET_READ_MODE) return v == READ ? readMode : setReadMode((DomainSocketReadMode) v);
        if (o == ChannelOption.ALLOW_HALF_CLOSURE) return v == READ ? allowHalfClosure : setAllowHalfClosure((Boolean) v);
        return ConfigSupport.NOT_LOCAL;
    }

    @Override public Map<ChannelOption<?>, Object> getOptions() { return DISPATCH.list(options, this, super.getOptions()); }
    @Override public <T> T getOption(ChannelOption<T> o) { return DISPATCH.get(options, o, super.getOption(o), localOption(o, READ)); }
    @Override public <T> boolean setOption(ChannelOption<T> o, T v) {
        return super.setOption(o, v) || DISPATCH.set(options, o, v, localOption(o, v));
    }

    @Override public DomainSocketReadMode getReadMode() { return readMode; }

    @Override
    public Socket2DomainSocketChannelConfig setReadMode(DomainSocketReadMode mode) {
        readMode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    @Override public boolean isAllowHalfClosure() { return allowHalfClosure; }
    @Override public Socket2DomainSocketChannelConfig setAllowHalfClosure(boolean on) { allowHalfClosure = on; return this; }

    public int getSendBufferSize() { return getOption(ChannelOption.SO_SNDBUF); }
    public Socket2DomainSocketChannelConfig setSendBufferSize(int n) { setOption(ChannelOption.SO_SNDBUF, n); return this; }
    public int getReceiveBufferSize() { return getOption(ChannelOption.SO_RCVBUF); }
    public Socket2DomainSocketChannelConfig setReceiveBufferSize(int n) { setOption(ChannelOption.SO_RCVBUF, n); return this; }

    @Override public Socket2DomainSocketChannelConfig setConnectTimeoutMillis(int ms) { super.setConnectTimeoutMillis(ms); return this; }
    @Override @Deprecated public Socket2DomainSocketChannelConfig setMaxMessagesPerRead(int n) {
        super.setMaxMessagesPerRead(n);
        return this;
    }
    @Override public Socket2DomainSocketChannelConfig setWriteSpinCount(int n) { super.setWriteSpinCount(n); return this; }
    @Override public Socket2DomainSocketChannelConfig setAllocator(ByteBufAllocator a) { super.setAllocator(a); return this; }
    @Override public Socket2DomainSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator a) {
        super.setRecvByteBufAllocator(a);
        return this;
    }
    @Override public Socket2DomainSocketChannelConfig setAutoRead(boolean on) { super.setAutoRead(on); return this; }
    @Override public Socket2DomainSocketChannelConfig setAutoClose(boolean on) { super.setAutoClose(on); return this; }
    @Override public Socket2DomainSocketChannelConfig setWriteBufferHighWaterMark(int n) {
        super.setWriteBufferHighWaterMark(n);
        return this;
    }
    @Override public Socket2DomainSocketChannelConfig setWriteBufferLowWaterMark(int n) {
        super.setWriteBufferLowWaterMark(n);
        return this;
    }
    @Override public Socket2DomainSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark m) {
        super.setWriteBufferWaterMark(m);
        return this;
    }
    @Override public Socket2DomainSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator e) {
        super.setMessageSizeEstimator(e);
        return this;
    }

    @Override
    protected void autoReadCleared() { ConfigSupport.clearReadPending(channel); }
}
