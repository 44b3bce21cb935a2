package dev.flowstate.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy between the engine and PostgreSQL that a test can cut (every connection reset, new
 * ones refused: the database is gone) and restore, on the same local port.
 */
final class TcpProxy implements AutoCloseable {

  private final String targetHost;
  private final int targetPort;
  private final int port;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;

  TcpProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    ServerSocket first = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.port = first.getLocalPort();
    listen(first);
  }

  int port() {
    return port;
  }

  /** Every open connection is closed and new ones are refused, until {@link #restore()}. */
  synchronized void cut() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
    sockets.clear();
  }

  synchronized void restore() throws IOException {
    ServerSocket again = new ServerSocket();
    again.setReuseAddress(true);
    again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    listen(again);
  }

  private void listen(ServerSocket socket) {
    server = socket;
    Thread acceptor =
        new Thread(
            () -> {
              while (!socket.isClosed()) {
                try {
                  Socket client = socket.accept();
                  Socket upstream = new Socket(targetHost, targetPort);
                  sockets.add(client);
                  sockets.add(upstream);
                  pump(client, upstream);
                  pump(upstream, client);
                } catch (IOException closed) {
                  return;
                }
              }
            },
            "proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private static void pump(Socket from, Socket to) {
    Thread pump =
        new Thread(
            () -> {
              byte[] buffer = new byte[16384];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException closed) {
                // the other side or a cut closed it
              } finally {
                try {
                  from.close();
                  to.close();
                } catch (IOException ignored) {
                  // closing
                }
              }
            },
            "proxy-pump");
    pump.setDaemon(true);
    pump.start();
  }

  @Override
  public void close() throws IOException {
    cut();
  }
}
