package dev.flowstate.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.RestartPosition;
import dev.flowstate.engine.Task;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configuration and bad rows get clear errors. */
class FlowstateBuilderTest {

  @TempDir Path folder;

  @Test
  void unreachableDatabase_saysSoAndWhatToCheck() {
    org.postgresql.ds.PGSimpleDataSource nowhere = new org.postgresql.ds.PGSimpleDataSource();
    nowhere.setURL("jdbc:postgresql://127.0.0.1:1/none");

    assertThatThrownBy(() -> Flowstate.builder().dataSource(nowhere).build())
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith(
            "could not connect to the database to migrate the flowstate schema: ")
        .hasMessageEndingWith(
            "; check the JDBC URL, user and password, and that the server is running");
  }

  @Test
  void schemaNotMigrated_withMigrateFalse_saysHowToFixIt() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + folder.resolve("empty").toAbsolutePath());

    assertThatThrownBy(() -> Flowstate.builder().dataSource(ds).migrate(false).build())
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "the database has no flowstate schema (table fs_workflow is missing) and migrate(false)"
                + " was set; run FlowstateMigrations.migrate(dataSource) or build with migrate(true)");
  }

  @Test
  void schemaMigratedOnlyInAnotherSchema_withMigrateFalse_isStillRefused() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + folder.resolve("two").toAbsolutePath());
    Flowstate.builder().dataSource(ds).schema("other_app").build().close();

    assertThatThrownBy(() -> Flowstate.builder().dataSource(ds).migrate(false).build())
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith(
            "the database has no flowstate schema (table fs_workflow is missing)");
    Flowstate.builder().dataSource(ds).schema("other_app").migrate(false).build().close();
  }

  /**
   * Issue 8, defect 9: a second process opening the default H2 file waited 30 s and was told to
   * check URL, user and password. The default URL now lets processes share the file.
   */
  @Test
  void embeddedH2WithTheDefaultOptions_isOpenedByTwoProcessesAtOnce() throws Exception {
    String url = "jdbc:h2:file:" + folder.resolve("shared") + ";WRITE_DELAY=0;AUTO_SERVER=TRUE";
    assertThat(FlowstateBuilder.DEFAULT_JDBC_URL).endsWith(";WRITE_DELAY=0;AUTO_SERVER=TRUE");
    Process holder = holdOpen(url);
    try (Flowstate flowstate = Flowstate.builder().jdbcUrl(url).build()) {
      flowstate.register("f", Doc.class, Flow.of(Task.named("a", (d, e) -> d.n++)));
      DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("f", Doc.class);
      engine.process(Doc.docs("A"));
      assertThat(flowstate.status(engine.id())).contains(WorkflowStatus.COMPLETED);
    } finally {
      holder.getOutputStream().close();
      assertThat(holder.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void embeddedH2HeldByAnotherProcessWithoutAutoServer_failsAtOnceNamingTheRealCause()
      throws Exception {
    String url = "jdbc:h2:file:" + folder.resolve("locked") + ";WRITE_DELAY=0";
    Process holder = holdOpen(url);
    try {
      assertThatThrownBy(() -> Flowstate.builder().jdbcUrl(url).build())
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith(
              "the H2 database "
                  + url
                  + " is in use by another process that"
                  + " opened it without AUTO_SERVER=TRUE (")
          // H2's own first line inside the parentheses, without the lines after it
          .hasMessageMatching(
              "(?s)[^\\n]*AUTO_SERVER=TRUE \\([^\\n]*(already in use|is locked)[^\\n]*\\); add .*")
          .hasMessageEndingWith(
              "add ;AUTO_SERVER=TRUE to the JDBC URL of every process that opens it"
                  + " (flowstate's default URL has it), or stop the other process");
    } finally {
      holder.getOutputStream().close();
      holder.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private Process holdOpen(String url) throws Exception {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                SecondProcess.class.getName(),
                url,
                "-",
                "hold")
            .redirectError(folder.resolve("holder-err.txt").toFile())
            .start();
    java.io.BufferedReader out =
        new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream()));
    for (String line = out.readLine(); !"ready".equals(line); line = out.readLine()) {
      if (line == null) {
        throw new AssertionError(
            "the holding process ended: "
                + java.nio.file.Files.readString(folder.resolve("holder-err.txt")));
      }
    }
    return process;
  }

  /** Issue 8, defect 11: the JDBC URL was logged with its password. */
  /**
   * The pool the builder makes has maxConnections connections and waits connectionTimeout for one:
   * with its only connection held by a run's transaction, a read fails then, naming the pool.
   */
  @Test
  void ownPool_full_makesAReadWaitTheConnectionTimeoutThenFail_namingThePool() {
    String url = "jdbc:h2:file:" + folder.resolve("full").toAbsolutePath();
    List<String> failures = new java.util.ArrayList<>();
    try (Flowstate flowstate =
        Flowstate.builder()
            .jdbcUrl(url)
            .maxConnections(1)
            .connectionTimeout(java.time.Duration.ofMillis(300))
            .build()) {
      flowstate.register(
          "greedy",
          Doc.class,
          Flow.of(
              Task.named(
                  "hold",
                  (d, e) -> {
                    DbWorkflowEngine.connection(e); // the pool's only connection, until the save
                    long started = System.nanoTime();
                    try {
                      flowstate.workflows(WorkflowQuery.all());
                    } catch (RuntimeException failed) {
                      Throwable root = failed;
                      while (root.getCause() != null) {
                        root = root.getCause();
                      }
                      failures.add(root.getMessage());
                      failures.add(
                          (System.nanoTime() - started) / 1_000_000 >= 250 ? "waited" : "at once");
                    }
                  })));
      DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("greedy", Doc.class);

      engine.process(Doc.docs("A"));

      assertThat(flowstate.maxConnections()).isOne();
      assertThat(flowstate.status(engine.id())).contains(WorkflowStatus.COMPLETED);
    }
    assertThat(failures).hasSize(2);
    assertThat(failures.get(0))
        .startsWith("flowstate - Connection is not available, request timed out after ")
        .contains("total=1, active=1");
    assertThat(failures.get(1)).isEqualTo("waited");
  }

  /**
   * The database's kind is read once from the connection, or set in the builder: a PostgreSQL told
   * to be "another database" gets the standard migrations (JSON, not JSONB) and runs workflows
   * through the standard statements, with the same results.
   */
  @Test
  void databaseKind_setInTheBuilder_choosesTheMigrationsAndTheStatements() throws Exception {
    TestDatabase db = TestDatabase.postgres();
    try (Flowstate flowstate =
        db.flowstate().databaseKind(dev.flowstate.migrations.DatabaseKind.OTHER).build()) {
      flowstate.register("kind", Doc.class, Flow.of(Task.named("a", (d, e) -> d.n++)));
      DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("kind", Doc.class);
      engine.process(Doc.docs("A", "B"));
      try (Connection c = db.connect();
          Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT data_type FROM information_schema.columns WHERE table_schema = '"
                      + db.schema()
                      + "' AND table_name = 'fs_object' AND column_name = 'data'")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).isEqualTo("json");
      }
      try (Connection c = db.connect();
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT status, data ->> 'n' FROM fs_object ORDER BY pos")) {
        List<String> objects = new java.util.ArrayList<>();
        while (r.next()) {
          objects.add(r.getString(1) + " " + r.getString(2));
        }
        assertThat(objects).containsExactly("COMPLETED 1", "COMPLETED 1");
      }
      assertThat(flowstate.status(engine.id())).contains(WorkflowStatus.COMPLETED);
    } finally {
      db.drop();
    }
  }

  /**
   * The pool the builder makes for PostgreSQL sets socketTimeout, so a statement whose answer never
   * comes fails instead of hanging; a socketTimeout in the JDBC URL wins.
   */
  @Test
  void ownPostgresPool_setsTheSocketTimeout_unlessTheJdbcUrlSetsItsOwn() throws Exception {
    TestDatabase db = TestDatabase.postgres();
    String url = db.jdbcUrl();
    String withOwn = url + (url.contains("?") ? "&" : "?") + "socketTimeout=7";
    List<Integer> timeouts = new java.util.ArrayList<>();
    try {
      for (String jdbcUrl : List.of(url, withOwn)) {
        try (Flowstate flowstate =
            Flowstate.builder()
                .jdbcUrl(jdbcUrl)
                .schema(db.schema())
                .socketTimeout(java.time.Duration.ofSeconds(42))
                .build()) {
          flowstate.register(
              "timeout",
              Doc.class,
              Flow.of(
                  Task.named(
                      "read",
                      (d, e) -> timeouts.add(DbWorkflowEngine.connection(e).getNetworkTimeout()))));
          flowstate.newWorkflow("timeout", Doc.class).process(Doc.docs("A"));
        }
      }
    } finally {
      db.drop();
    }
    assertThat(timeouts).containsExactly(42_000, 7_000);
  }

  /** A build that fails after making its pool closes the pool: no connection stays open. */
  @Test
  void failedBuild_closesThePoolItMade() throws Exception {
    String refused = "jdbc:h2:file:" + folder.resolve("refused").toAbsolutePath();
    String clashing = "jdbc:h2:file:" + folder.resolve("clashing").toAbsolutePath();
    try (Connection c = java.sql.DriverManager.getConnection(clashing);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE fs_workflow (x INT)"); // the first migration cannot create its own
    }

    assertThatThrownBy(() -> Flowstate.builder().jdbcUrl(refused).migrate(false).build())
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("the database has no flowstate schema");
    assertThatThrownBy(() -> Flowstate.builder().jdbcUrl(clashing).build())
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("could not migrate the flowstate schema: ");

    assertThat(sessions(refused)).as("sessions open on " + refused).isOne();
    assertThat(sessions(clashing)).as("sessions open on " + clashing).isOne();
  }

  /**
   * The lease and the heartbeat are checked against each other when the Flowstate is built, so
   * either may be set first; a lease of fewer than three beats is refused there, naming both ways
   * out, before anything is opened.
   */
  @Test
  void leaseAndHeartbeat_inEitherOrder_areCheckedAtBuild_forThreeBeatsPerLease() {
    java.time.Duration second = java.time.Duration.ofSeconds(1);
    for (FlowstateBuilder b :
        List.of(
            Flowstate.builder().lease(second.multipliedBy(5)).heartbeat(second),
            Flowstate.builder().heartbeat(second).lease(second.multipliedBy(5)))) {
      try (Flowstate built = b.jdbcUrl(h2Url()).build()) {
        assertThat(built).isNotNull();
      }
    }
    String url = h2Url();
    assertThatThrownBy(
            () ->
                Flowstate.builder()
                    .jdbcUrl(url)
                    .lease(java.time.Duration.ofMillis(5999))
                    .heartbeat(second.multipliedBy(2))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "lease (PT5.999S) must be at least three heartbeats (heartbeat PT2S), so that a failed"
                + " renewal is retried before the lease ends: set heartbeat(...) to at most"
                + " PT1.999S or lease(...) to at least PT6S");
    try (Flowstate edge =
        Flowstate.builder()
            .jdbcUrl(url)
            .heartbeat(second.multipliedBy(2))
            .lease(second.multipliedBy(6))
            .build()) {
      assertThat(edge).isNotNull();
    }
  }

  /**
   * A schema of its own works on H2 as on PostgreSQL (where every contract runs in one): build,
   * run, halt, and a later Flowstate (migrated or not) resumes from the schema's tables, leaving
   * the default schema empty.
   */
  @Test
  void schema_onH2_storesRunsAndResumesInThatSchema() throws Exception {
    String url = "jdbc:h2:file:" + folder.resolve("schema").toAbsolutePath();
    java.util.UUID id;
    Flow<Doc> halting =
        Flow.of(
            Task.named(
                "once",
                (d, e) -> {
                  if (d.name.equals("B") && d.n++ == 0) {
                    e.halt("check B");
                  }
                }));
    try (Flowstate first = Flowstate.builder().jdbcUrl(url).schema("flow").build()) {
      first.register("h", Doc.class, halting);
      DbWorkflowEngine<Doc> engine = first.newWorkflow("h", Doc.class);
      id = engine.id();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.process(Doc.docs("A", "B")))
          .isInstanceOf(HaltProcessing.class);
    }
    try (Flowstate later = Flowstate.builder().jdbcUrl(url).schema("flow").migrate(false).build()) {
      later.register("h", Doc.class, halting);
      later.load(id, Doc.class).resume();
      assertThat(later.status(id)).contains(WorkflowStatus.COMPLETED);
    }
    try (Connection c = java.sql.DriverManager.getConnection(url);
        Statement s = c.createStatement();
        java.sql.ResultSet r =
            s.executeQuery(
                "SELECT TABLE_SCHEMA, COUNT(*) FROM INFORMATION_SCHEMA.TABLES"
                    + " WHERE TABLE_NAME = 'FS_WORKFLOW' GROUP BY TABLE_SCHEMA")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo("flow");
      assertThat(r.next()).isFalse();
    }
  }

  private static String h2Url() {
    return "jdbc:h2:mem:settings-" + java.util.UUID.randomUUID();
  }

  /** Each setting is refused just outside its range with what is allowed, and kept at its edges. */
  @Test
  void settings_areRefusedJustOutsideTheirRange_andKeptAtItsEdges_returningTheBuilder() {
    FlowstateBuilder b = Flowstate.builder();
    java.time.Duration second = java.time.Duration.ofSeconds(1);

    assertThatThrownBy(() -> b.maxConnections(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConnections must be between 1 and 1000, got 0");
    assertThatThrownBy(() -> b.maxConnections(1001))
        .hasMessage("maxConnections must be between 1 and 1000, got 1001");
    assertThatThrownBy(() -> b.connectionTimeout(java.time.Duration.ofMillis(249)))
        .hasMessage("connectionTimeout must be at least 250 ms (HikariCP's minimum), got PT0.249S");
    assertThatThrownBy(() -> b.socketTimeout(java.time.Duration.ofMillis(999)))
        .hasMessage("socketTimeout must be at least 1 s, got PT0.999S");
    assertThatThrownBy(() -> b.maxDataLength(0))
        .hasMessage("maxDataLength must be at least 1, got 0");
    assertThatThrownBy(() -> b.lease(java.time.Duration.ZERO))
        .hasMessage("lease must be positive, got PT0S");
    assertThatThrownBy(() -> b.heartbeat(java.time.Duration.ofMillis(-1)))
        .hasMessage("heartbeat must be positive, got PT-0.001S");
    assertThat(b.maxConnections(1))
        .isSameAs(b.maxConnections(1000))
        .isSameAs(b.connectionTimeout(java.time.Duration.ofMillis(250)))
        .isSameAs(b.socketTimeout(second))
        .isSameAs(b.maxDataLength(1))
        .isSameAs(b.objectMapper(new com.fasterxml.jackson.databind.ObjectMapper()))
        .isSameAs(b.user("sa"))
        .isSameAs(b.password("secret"))
        .isSameAs(b.history(false))
        .isSameAs(b.migrate(true))
        .isSameAs(b.schema("app"))
        .isSameAs(b.lease(java.time.Duration.ofMillis(1)))
        .isSameAs(b.heartbeat(java.time.Duration.ofMillis(1)))
        .isSameAs(b.clock(java.time.Clock.systemUTC()));
  }

  /** A Flowstate built from a URL, a user and a password stores in that database, as that user. */
  @Test
  void jdbcUrlUserAndPassword_storeInThatDatabaseAsThatUser() throws Exception {
    String url = "jdbc:h2:file:" + folder.resolve("secured").toAbsolutePath();
    try (Connection created = java.sql.DriverManager.getConnection(url, "app", "s3cret")) {
      assertThat(created.isValid(1)).isTrue(); // the database now exists, "app" its only user
    }
    java.util.UUID id;
    try (Flowstate flowstate =
        Flowstate.builder().jdbcUrl(url).user("app").password("s3cret").build()) {
      flowstate.register("one", Doc.class, Flow.of(Task.named("a", (d, e) -> d.n++)));
      id = flowstate.submit("one", Doc.docs("A"));
    }

    try (Connection c = java.sql.DriverManager.getConnection(url, "app", "s3cret");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT status FROM fs_workflow WHERE id = '" + id + "'")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo("NEW");
    }
  }

  /**
   * A Flowstate's settings chain (register, checkpointEvery return it), and a definition's
   * checkpoint runs from 1 (durable) up: 0 is refused naming the definition.
   */
  @Test
  void registerAndCheckpointEvery_chain_andACheckpointOfOneIsDurable() {
    String url = "jdbc:h2:file:" + folder.resolve("chain").toAbsolutePath();
    try (Flowstate flowstate = Flowstate.builder().jdbcUrl(url).build()) {
      assertThat(flowstate.register("one", Doc.class, Flow.of(Task.named("a", (d, e) -> d.n++))))
          .isSameAs(flowstate);
      assertThat(flowstate.checkpointEvery("one", 5)).isSameAs(flowstate);
      assertThat(flowstate.newWorkflow("one", Doc.class).checkpointEvery()).isEqualTo(5);
      flowstate.checkpointEvery("one", 1);
      assertThatThrownBy(() -> flowstate.checkpointEvery("one", 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("checkpointEvery of 'one' must be at least 1 (durable), got 0");

      DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("one", Doc.class);
      assertThat(engine.checkpointEvery()).isEqualTo(1);
    }
  }

  /** definition(name) is the flow registered under that name; a name never registered has none. */
  @Test
  void definition_isTheFlowRegisteredUnderTheName_andEmptyForAnotherName() {
    String url = "jdbc:h2:file:" + folder.resolve("definition").toAbsolutePath();
    Flow<Doc> one = Flow.of(Task.named("a", (d, e) -> d.n++));
    try (Flowstate flowstate = Flowstate.builder().jdbcUrl(url).build()) {
      flowstate.register("one", Doc.class, one);

      assertThat(flowstate.definition("one")).containsSame(one);
      assertThat(flowstate.definition("two")).isEmpty();
    }
  }

  /**
   * close() stops the heartbeat, closes the store and the pool the builder made: no session stays
   * open on the database, and the closed Flowstate refuses work.
   */
  @Test
  void close_stopsTheHeartbeatAndClosesTheStoreAndThePool() throws Exception {
    String url = "jdbc:h2:file:" + folder.resolve("closed").toAbsolutePath();
    java.util.Set<Thread> before = heartbeats();
    Flowstate flowstate = Flowstate.builder().jdbcUrl(url).build();
    flowstate.register("one", Doc.class, Flow.of(Task.named("a", (d, e) -> d.n++)));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("one", Doc.class);
    engine.process(Doc.docs("A")); // starts the heartbeat
    java.util.Set<Thread> started = heartbeats();
    started.removeAll(before);
    assertThat(started).hasSize(1);
    Thread heartbeat = started.iterator().next();

    flowstate.close();

    heartbeat.join(5_000);
    assertThat(heartbeat.isAlive()).isFalse();
    assertThatThrownBy(() -> flowstate.status(engine.id()))
        .isInstanceOf(IllegalStateException.class);
    assertThat(sessions(url)).isOne();
  }

  /**
   * close() lets a beat in flight end instead of interrupting it: an interrupt inside H2's file
   * access closes the whole embedded database ("The database has been closed"), for every
   * connection of the process.
   */
  @Test
  void close_waitsForABeatInFlight_withoutInterruptingIt() throws Exception {
    String url = "jdbc:h2:file:" + folder.resolve("beat").toAbsolutePath();
    java.util.concurrent.CountDownLatch inBeat = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean interrupted =
        new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicBoolean ended =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread[] beat = new Thread[1];
    DatabaseClock clock =
        new DatabaseClock(
            () -> {
              if (Thread.currentThread().getName().equals("flowstate-heartbeat")
                  && inBeat.getCount() > 0) {
                beat[0] = Thread.currentThread();
                inBeat.countDown();
                try {
                  Thread.sleep(300); // the beat's statement, still on its way when close() comes
                } catch (InterruptedException e) {
                  interrupted.set(true);
                }
                ended.set(true);
              }
              return java.time.Instant.now();
            });
    Flowstate flowstate =
        Flowstate.builder()
            .jdbcUrl(url)
            .lease(java.time.Duration.ofSeconds(3))
            .heartbeat(java.time.Duration.ofMillis(100))
            .databaseClock(clock)
            .build();
    assertThat(inBeat.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    flowstate.close();

    assertThat(interrupted).isFalse();
    assertThat(ended).isTrue();
    beat[0].join(5_000);
    assertThat(beat[0].isAlive()).isFalse();
    assertThat(sessions(url)).isOne();
  }

  /** How many sessions the embedded H2 database at {@code url} has, the one asking included. */
  static int sessions(String url) throws java.sql.SQLException {
    try (Connection c = java.sql.DriverManager.getConnection(url);
        Statement s = c.createStatement();
        java.sql.ResultSet sessions =
            s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
      sessions.next();
      return sessions.getInt(1);
    }
  }

  static java.util.Set<Thread> heartbeats() {
    java.util.Set<Thread> threads = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
    threads.removeIf(t -> !t.getName().equals("flowstate-heartbeat"));
    return threads;
  }

  @Test
  void jdbcUrlInLogsAndMessages_hasItsPasswordMasked() {
    assertThat(
            dev.flowstate.migrations.DatabaseKind.masked(
                "jdbc:postgresql://db/app?user=app&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/app?user=app&password=<masked>&ssl=true");
    assertThat(
            dev.flowstate.migrations.DatabaseKind.masked(
                "jdbc:h2:file:./x;USER=sa;PASSWORD=s3cret"))
        .isEqualTo("jdbc:h2:file:./x;USER=sa;PASSWORD=<masked>");
    assertThatThrownBy(
            () ->
                Flowstate.builder()
                    .jdbcUrl("jdbc:postgresql://127.0.0.1:1/none?password=s3cret")
                    .build())
        .isInstanceOf(StoreException.class)
        .as("the first line names the deepest cause")
        .hasMessage(
            "could not connect to the database jdbc:postgresql://127.0.0.1:1/none?password=<masked>:"
                + " Connection refused; check the JDBC URL, user and password, and that the server"
                + " is running");
  }

  /**
   * Issue 8, defect 11: schema("MixedCase") or schema("a-b") passed build() and failed at the first
   * run.
   */
  @Test
  void schemaThatIsNotAPlainIdentifier_isRefusedAtOnce() {
    assertThatThrownBy(() -> Flowstate.builder().schema("MixedCase"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "schema must be a plain SQL identifier: lowercase letters, digits and underscores,"
                + " not starting with a digit, at most 63 characters; got 'MixedCase', try 'mixedcase'");
    assertThatThrownBy(() -> Flowstate.builder().schema("a-b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "schema must be a plain SQL identifier: lowercase letters, digits and underscores,"
                + " not starting with a digit, at most 63 characters; got 'a-b'");
  }

  /**
   * Issue 8, defect 15: DbWorkflowEngine extended WorkflowEngine, so a loaded workflow accepted
   * another definition and a made-up id and ran to COMPLETED under the stored fingerprint. It now
   * wraps the core engine and offers no way to rewire it.
   */
  @Test
  void storedWorkflowsEngine_offersNoWayToChangeItsDefinitionChooserStateOrId() {
    assertThat(dev.flowstate.engine.WorkflowEngine.class.isAssignableFrom(DbWorkflowEngine.class))
        .isFalse();
    assertThat(
            java.util.Arrays.stream(DbWorkflowEngine.class.getMethods())
                .map(java.lang.reflect.Method::getName))
        .doesNotContain(
            "setDefinition", "setCallbackChooser", "setState", "setWorkflowId", "setObjects")
        .contains("resume", "restart", "process", "state", "extraData", "definition");
  }

  @Test
  void dataSourceAndJdbcUrl_bothGiven_isRefused() {
    assertThatThrownBy(
            () -> Flowstate.builder().jdbcUrl("jdbc:h2:mem:x").dataSource(new JdbcDataSource()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("jdbcUrl is already set; give a DataSource or a JDBC URL, not both");
  }

  @Test
  void corruptObjectRow_failsOnResumeNamingObjectAndType() throws Exception {
    TestDatabase db = TestDatabase.h2(folder);
    Flow<Doc> flow =
        Flow.of(
            Task.named(
                "h",
                (d, e) -> {
                  if (d.n++ == 0) {
                    e.halt("wait");
                  }
                }));
    try (Flowstate flowstate = db.flowstate().build()) {
      flowstate.register("f", Doc.class, flow);
      DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("f", Doc.class);
      assertThatThrownBy(() -> engine.process(Doc.docs("A"))).isInstanceOf(HaltProcessing.class);
      try (Connection c = db.connect();
          Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE fs_object SET data = JSON '{\"n\": \"not a number\"}'");
      }
      DbWorkflowEngine<Doc> resumed = flowstate.load(engine.id(), Doc.class);

      assertThatThrownBy(() -> resumed.restart(RestartPosition.CURRENT, RestartPosition.CURRENT))
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith(
              "object 0 of workflow "
                  + engine.id()
                  + " has data that cannot be read as dev.flowstate.db.Doc: ");
      assertThat(flowstate.status(engine.id())).contains(WorkflowStatus.HALTED);
    }
  }

  @Test
  void jdbcUrlWithoutJdbcPrefix_isRefused() {
    assertThatThrownBy(() -> Flowstate.builder().jdbcUrl("postgresql://db/app"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a JDBC URL starts with 'jdbc:', got postgresql://db/app");
  }

  @Test
  void registeringANameTwice_isRefusedAndKeepsTheFirstDefinition() {
    try (Flowstate flowstate = TestDatabase.h2(folder).flowstate().build()) {
      flowstate.register(
          "f", Doc.class, Flow.of(Task.named("first", (d, e) -> d.seen.add("first"))));

      assertThatThrownBy(
              () -> flowstate.register("f", Doc.class, Flow.of(Task.named("second", (d, e) -> {}))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("a definition is already registered as 'f'");
      assertThatThrownBy(() -> flowstate.register(" ", Doc.class, Flow.empty()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(
              "register needs a name, an object type and a definition, got  , ");
      java.util.List<Doc> docs = Doc.docs("A");
      flowstate.newWorkflow("f", Doc.class).process(docs);
      assertThat(docs.get(0).seen).containsExactly("first");
    }
  }

  @Test
  void wrongObjectTypeOrNullId_isRefusedNamingBoth() {
    try (Flowstate flowstate = TestDatabase.h2(folder).flowstate().build()) {
      flowstate.register("f", Doc.class, Flow.of(Task.named("a", (d, e) -> {})));

      assertThatThrownBy(() -> flowstate.newWorkflow("f", String.class))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "definition 'f' is registered for objects of dev.flowstate.db.Doc, not java.lang.String");
      assertThatThrownBy(() -> flowstate.load(null, Doc.class))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("workflow id must not be null");
    }
  }

  @Test
  void checkpointEveryAndRestartFromSourceData_calledWhileRunning_failTheTaskClearly() {
    try (Flowstate flowstate = TestDatabase.h2(folder).flowstate().build()) {
      List<DbWorkflowEngine<Doc>> self = new java.util.ArrayList<>();
      flowstate.register(
          "every",
          Doc.class,
          Flow.of(Task.named("t", (d, e) -> self.get(0).setCheckpointEvery(5))));
      flowstate.register(
          "source",
          Doc.class,
          Flow.of(Task.named("t", (d, e) -> self.get(1).restartFromSourceData())));
      DbWorkflowEngine<Doc> every = flowstate.newWorkflow("every", Doc.class);
      DbWorkflowEngine<Doc> source = flowstate.newWorkflow("source", Doc.class);
      self.add(every);
      self.add(source);

      assertThatThrownBy(() -> every.process(Doc.docs("A")))
          .isInstanceOf(dev.flowstate.engine.WorkflowError.class)
          .hasMessage(
              "setCheckpointEvery() was called while the engine is running (from inside a task?); call it"
                  + " before or after a run");
      assertThat(every.checkpointEvery()).isEqualTo(1);
      assertThatThrownBy(() -> source.process(Doc.docs("A")))
          .isInstanceOf(dev.flowstate.engine.WorkflowError.class)
          .hasMessage(
              "restartFromSourceData() was called while the engine is running (from inside a task?); call it"
                  + " before or after a run");
    }
  }
}
