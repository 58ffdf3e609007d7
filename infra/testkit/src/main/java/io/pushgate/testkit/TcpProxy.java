package io.pushgate.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy to a real server that a test can close (its port refuses connections, the
 * ones it carried are cut) and open again on the same port: a dependency that goes away and returns;
 * or slow down (each answer held back a while): a dependency that answers too late.
 */
public final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private int port;
    private ServerSocket server;
    private volatile long answerDelayMillis;

    public TcpProxy(URI target) {
        this.target = new InetSocketAddress(target.getHost(), target.getPort());
    }

    /** Holds every chunk the server sends back for {@code millis} before passing it on. */
    public void delayAnswers(long millis) {
        answerDelayMillis = millis;
    }

    /** A free loopback port, nothing listening on it until {@link #open()}. */
    public int port() {
        if (port == 0) {
            try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return port;
    }

    public synchronized void open() throws IOException {
        ServerSocket listening = new ServerSocket();
        listening.setReuseAddress(true);
        listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()));
        server = listening;
        daemon("tcp-proxy-accept", () -> {
            while (!listening.isClosed()) {
                try {
                    Socket client = listening.accept();
                    synchronized (TcpProxy.this) {
                        // a connection accepted just before close() took the lock is cut here, not left
                        // carrying traffic after close() returned (a busy machine showed it: a read went on)
                        if (server != listening) {
                            closeQuietly(client);
                            return;
                        }
                        Socket upstream = new Socket(target.getAddress(), target.getPort());
                        sockets.add(client);
                        sockets.add(upstream);
                        pump(client, upstream, false);
                        pump(upstream, client, true);
                    }
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    private void pump(Socket from, Socket to, boolean answers) {
        daemon("tcp-proxy-pump", () -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    long delay = answers ? answerDelayMillis : 0;
                    if (delay > 0) {
                        Thread.sleep(delay);
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException cut) {
                // closed by close() or by either side
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
    }

    /** Stops listening and cuts every connection it carried. */
    @Override
    public synchronized void close() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing
            }
            server = null;
        }
        sockets.forEach(TcpProxy::closeQuietly);
        sockets.clear();
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
