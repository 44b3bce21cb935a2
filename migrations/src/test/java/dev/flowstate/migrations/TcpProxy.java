package dev.flowstate.migrations;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of a test database (PostgreSQL or MariaDB) that a test can cut (every
 * connection reset, new ones refused: the database is gone) and restore, on the same local port.
 */
public final class TcpProxy implements AutoCloseable {

  private final String jdbcUrl;
  private final String targetHost;
  private final int targetPort;
  private final int port;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;

  private TcpProxy(String jdbcUrl, String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    ServerSocket first = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.port = first.getLocalPort();
    this.jdbcUrl = jdbcUrl.replace(targetHost + ":" + targetPort, "127.0.0.1:" + port);
    listen(first);
  }

  /**
   * @param jdbcUrl a PostgreSQL or MariaDB URL that names its host and port
   * @return a proxy, open, to that database
   */
  public static TcpProxy before(String jdbcUrl) throws IOException {
    URI target = URI.create(jdbcUrl.substring("jdbc:".length()));
    if (target.getHost() == null || target.getPort() < 0) {
      throw new IllegalArgumentException("the test database's URL names no host:port: " + jdbcUrl);
    }
    return new TcpProxy(jdbcUrl, target.getHost(), target.getPort());
  }

  /**
   * @return the database's URL with the proxy in its place
   */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** Every open connection is closed and new ones are refused, until {@link #restore()}. */
  public synchronized void cut() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
    sockets.clear();
  }

  /** New connections are accepted again, on the same port. */
  public synchronized void restore() throws IOException {
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
