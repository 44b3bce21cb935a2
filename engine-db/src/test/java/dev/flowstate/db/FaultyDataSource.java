package dev.flowstate.db;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A DataSource that fails on purpose, as a database does when a connection is cut: the k-th commit
 * from now fails, or the connection in use dies (its next statement, commit and rollback fail, as
 * after a reset), or every connection fails until restored (the server is gone).
 */
final class FaultyDataSource implements DataSource {

  private final DataSource real;

  /** Commits to let through before one fails; -1: none armed. */
  private final AtomicInteger commitsBeforeFailure = new AtomicInteger(-1);

  private volatile boolean down;

  /** Commits that went through: each is one save point's transaction. */
  private final AtomicInteger commits = new AtomicInteger();

  private final AtomicInteger savepoints = new AtomicInteger();

  /** Connections handed out and not closed yet. */
  private final AtomicInteger open = new AtomicInteger();

  /** The next statement kills its connection. */
  private volatile boolean killNextConnection;

  FaultyDataSource(DataSource real) {
    this.real = real;
  }

  /** The commit after {@code commitsToLetThrough} more commits fails once (its rollback works). */
  void failCommit(int commitsToLetThrough) {
    commitsBeforeFailure.set(commitsToLetThrough);
  }

  /** The connection of the next statement dies: that statement fails, and so does its rollback. */
  void killConnectionAtNextStatement() {
    killNextConnection = true;
  }

  /** Every connection fails (new ones cannot be opened) until {@link #restore()}. */
  void goDown() {
    down = true;
  }

  /** How many JDBC savepoints were set since this DataSource was made. */
  int savepoints() {
    return savepoints.get();
  }

  /** How many commits went through since this DataSource was made. */
  int commits() {
    return commits.get();
  }

  /** How many connections are open: handed out and not closed (a leaked one stays counted). */
  int openConnections() {
    return open.get();
  }

  void restore() {
    down = false;
    killNextConnection = false;
    commitsBeforeFailure.set(-1);
  }

  @Override
  public Connection getConnection() throws SQLException {
    if (down) {
      throw new SQLTransientConnectionException("injected: the database is unreachable");
    }
    Connection connection = real.getConnection();
    open.incrementAndGet();
    return wrap(connection);
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return getConnection();
  }

  private Connection wrap(Connection connection) {
    boolean[] dead = {false};
    boolean[] closed = {false};
    InvocationHandler handler =
        (proxy, method, args) -> {
          String name = method.getName();
          if (name.equals("close") && !closed[0]) {
            closed[0] = true;
            open.decrementAndGet();
          }
          if (name.equals("close") || name.equals("isClosed")) {
            return invoke(connection, method, args);
          }
          if (dead[0] || down) {
            throw new SQLException(
                name.equals("rollback")
                    ? "injected: rollback failed, the connection is closed"
                    : "injected: I/O error, the connection was reset",
                "08006");
          }
          if (name.equals("commit")
              && commitsBeforeFailure.get() >= 0
              && commitsBeforeFailure.getAndDecrement() == 0) {
            throw new SQLException("injected: commit failed", "40001");
          }
          Object result = invoke(connection, method, args);
          if (name.equals("commit")) {
            commits.incrementAndGet();
          }
          if (name.equals("setSavepoint")) {
            savepoints.incrementAndGet();
          }
          if (result instanceof Statement statement) {
            return wrapStatement(statement, dead);
          }
          return result;
        };
    return (Connection)
        Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {Connection.class}, handler);
  }

  private Statement wrapStatement(Statement statement, boolean[] dead) {
    Class<?> type =
        statement instanceof CallableStatement
            ? CallableStatement.class
            : statement instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getName().startsWith("execute")) {
            if (killNextConnection) {
              killNextConnection = false;
              dead[0] = true;
            }
            if (dead[0] || down) {
              throw new SQLException("injected: I/O error, the connection was reset", "08006");
            }
          }
          return invoke(statement, method, args);
        };
    return (Statement)
        Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler);
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return real.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    real.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    real.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return real.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getGlobal();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}
