package dev.socket2j.netty.testsuite;

import dev.socket2j.Domain;
import dev.socket2j.SockAddr;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.AbstractSocketShutdownOutputByPeerTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.util.List;

/** Netty's shutdown-by-peer test over Unix stream sockets; the peer is a plain blocking socket2j {@link Socket}. */
public class Socket2DomainSocketShutdownOutputByPeerTest extends AbstractSocketShutdownOutputByPeerTest<Socket> {
    @Override
    protected List<BootstrapFactory<ServerBootstrap>> newFactories() {
        return Socket2DatagramTestPermutation.INSTANCE.serverDomainSocket();
    }

    @Override
    protected SocketAddress newSocketAddress() { return Socket2DatagramTestPermutation.newDomainSocketAddress(); }

    @Override
    protected Socket newSocket() {
        try {
            return Socket.open(Domain.UNIX, Type.STREAM);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void connect(Socket s, SocketAddress address) throws IOException {
        s.connect(SockAddr.unix(((DomainSocketAddress) address).path()));
    }

    @Override
    protected void shutdownOutput(Socket s) throws IOException { s.shutdown(dev.socket2j.Shutdown.WRITE); }

    @Override
    protected void close(Socket s) throws IOException { s.close(); }

    @Override
    protected void write(Socket s, int data) throws IOException {
        s.send(new byte[] {(byte) data});
    }
}
