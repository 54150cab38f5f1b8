package dev.socket2j.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.unix.DomainDatagramChannelConfig;

import java.util.Map;

import static dev.socket2j.netty.ConfigSupport.READ;

/**
 * The configuration of a {@link Socket2DomainDatagramChannel} and of a {@link Socket2UringDomainDatagramChannel}: {@code SO_SNDBUF}, {@code SO_RCVBUF} and every Unix datagram socket option
 * of the table.
 */
public final class Socket2DomainDatagramChannelConfig extends DefaultChannelConfig implements DomainDatagramChannelConfig {
    private static final ConfigSupport.Dispatch DISPATCH =
        new ConfigSupport.Dispatch(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION);
    private final DatagramHost ch;

    /** The config of an epoll ({@link Socket2DomainDatagramChannel}) or io_uring ({@link Socket2UringDomainDatagramChannel}) channel. */
    Socket2DomainDatagramChannelConfig(DatagramHost ch) {
        super(ch.channel, new FixedRecvByteBufAllocator(2048));
        this.ch = ch;
    }

    @Override public Map<ChannelOption<?>, Object> getOptions() { return DISPATCH.list(ch.options, this, super.getOptions()); }
    @Override public <T> T getOption(ChannelOption<T> o) { return DISPATCH.get(ch.options, o, super.getOption(o), ch.localOption(o, READ)); }
    @Override public <T> boolean setOption(ChannelOption<T> o, T v) {
        return super.setOption(o, v) || DISPATCH.set(ch.options, o, v, ch.localOption(o, v));
    }

    @Override public int getSendBufferSize() { return getOption(ChannelOption.SO_SNDBUF); }
    @Override public Socket2DomainDatagramChannelConfig setSendBufferSize(int n) { setOption(ChannelOption.SO_SNDBUF, n); return this; }
    public int getReceiveBufferSize() { return getOption(ChannelOption.SO_RCVBUF); }
    public Socket2DomainDatagramChannelConfig setReceiveBufferSize(int n) { setOption(ChannelOption.SO_RCVBUF, n); return this; }

    @Override public Socket2DomainDatagramChannelConfig setConnectTimeoutMillis(int ms) { super.setConnectTimeoutMillis(ms); return this; }
    @Override @Deprecated public Socket2DomainDatagramChannelConfig setMaxMessagesPerRead(int n) {
        super.setMaxMessagesPerRead(n);
        return this;
    }
    @Override public Socket2DomainDatagramChannelConfig setWriteSpinCount(int n) { super.setWriteSpinCount(n); return this; }
    @Override public Socket2DomainDatagramChannelConfig setAllocator(ByteBufAllocator a) { super.setAllocator(a); return this; }
    @Override public Socket2DomainDatagramChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator a) {
        super.setRecvByteBufAllocator(a);
        return this;
    }
    @Override public Socket2DomainDatagramChannelConfig setAutoRead(boolean on) { super.setAutoRead(on); return this; }
    @Override public Socket2DomainDatagramChannelConfig setAutoClose(boolean on) { super.setAutoClose(on); return this; }
    @Override public Socket2DomainDatagramChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark m) {
        super.setWriteBufferWaterMark(m);
        return this;
    }
    @Override public Socket2DomainDatagramChannelConfig setMessageSizeEstimator(MessageSizeEstimator e) {
        super.setMessageSizeEstimator(e);
        return this;
    }

    @Override
    protected void autoReadCleared() { ch.autoReadCleared(); }
}
