package dev.socket2j.netty;

import dev.socket2j.Shutdown;
import dev.socket2j.Socket;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.function.Consumer;

/**
 * The half-closure of the stream channels of both engines ({@link DuplexChannel}'s {@code shutdownInput},
 * {@code shutdownOutput} and {@code shutdown}): each step runs on the channel's loop, and {@code shutdown} shuts the
 * output first, then the input, as Netty's epoll transport does. Off the hot path.
 */
final class HalfClosure {
    private HalfClosure() { }

    /** Runs {@code step} for {@code promise} on the channel's loop: at once when called there. */
    static ChannelFuture onLoop(Channel channel, ChannelPromise promise, Consumer<ChannelPromise> step) {
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            step.accept(promise);
        } else {
            loop.execute(() -> step.accept(promise));
        }
        return promise;
    }

    /**
     * {@code shutdown(2)} of one direction. A channel whose close has begun refuses as a closed one does (an
     * io_uring channel's descriptor outlives {@code close()} until its operations are cancelled).
     */
    static void shutdown(Channel channel, Socket socket, Shutdown how) throws IOException {
        if (!channel.isOpen()) throw new ClosedChannelException();
        socket.shutdown(how);
    }

    /**
     * {@code shutdown(2)} of the input for {@code promise}; true if it succeeded (the caller then records the input as
     * shut down and completes the promise), false if the promise failed with the error.
     */
    static boolean shutdownInput(Channel channel, Socket socket, ChannelPromise promise) {
        try {
            shutdown(channel, socket, Shutdown.READ);
            return true;
        } catch (Throwable t) {
            promise.setFailure(t);
            return false;
        }
    }

    /** Shuts the output, then the input; the promise fails with the first error, a second one suppressed in it. */
    static ChannelFuture shutdown(DuplexChannel channel, ChannelPromise promise) {
        ChannelFuture out = channel.shutdownOutput();
        if (out.isDone()) {
            outputDone(channel, out, promise);
        } else {
            out.addListener(f -> outputDone(channel, out, promise));
        }
        return promise;
    }

    private static void outputDone(DuplexChannel channel, ChannelFuture out, ChannelPromise promise) {
        ChannelFuture in = channel.shutdownInput();
        if (in.isDone()) {
            bothDone(out, in, promise);
        } else {
            in.addListener(f -> bothDone(out, in, promise));
        }
    }

    private static void bothDone(ChannelFuture out, ChannelFuture in, ChannelPromise promise) {
        Throwable a = out.cause(), b = in.cause();
        if (a != null) {
            if (b != null) a.addSuppressed(b);
            promise.setFailure(a);
        } else if (b != null) {
            promise.setFailure(b);
        } else {
            promise.setSuccess();
        }
    }
}
