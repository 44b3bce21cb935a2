-- The flowstate schema on the MySQL family (MariaDB 10.6 and later, MySQL 8.0 and later), as
-- versions 1 to 9 of flowstate/migration leave it on H2 and PostgreSQL: the same tables, columns,
-- constraints and indexes by name, in the same column order. The family starts at version 9 (it
-- joined then); a later version is written for both families. The status views are the shared
-- repeatable migration flowstate/migration/views/R__status_views.sql.
--
-- How the family's types keep the same meaning:
--   UUID                     -> CHAR(36) in ASCII: readable in SQL, compared byte for byte
--   TIMESTAMP WITH TIME ZONE -> TIMESTAMP(6): an instant (stored in UTC, shown in the session's
--                               zone), microseconds as on PostgreSQL; compared with
--                               CURRENT_TIMESTAMP in any session's zone. Its range ends in
--                               January 2038 (MariaDB 11.5: 2106); flowstate refuses a later
--                               resumeAt with a clear error instead of a truncated value.
--                               Every TIMESTAMP names NULL or its DEFAULT, so no server setting
--                               (explicit_defaults_for_timestamp off) adds an ON UPDATE to it.
--   JSON                     -> JSON (MariaDB: LONGTEXT checked by JSON_VALID)
--   text                     -> utf8mb4 with binary collation: 'Orders' and 'orders' are two
--                               definitions, as on PostgreSQL, whatever the server's default
--   sequences                -> a SEQUENCE on MariaDB; on MySQL, which has none, the one-row table
--                               Hibernate uses in its place (next_val)
-- PostgreSQL's partial indexes and fillfactor have no counterpart: the indexes hold every row.
-- The family names every primary key PRIMARY, so the keys are not named here.

CREATE TABLE fs_workflow (
    id                     CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    definition_name        VARCHAR(200)  NOT NULL,
    definition_fingerprint VARCHAR(64)   NOT NULL,
    status                 VARCHAR(16)   NOT NULL,
    token_pos              INTEGER       NOT NULL,
    callback_pos           JSON          NOT NULL,
    extra_data             JSON          NULL,
    halt_message           VARCHAR(4000) NULL,
    halt_action            VARCHAR(200)  NULL,
    halt_payload           JSON          NULL,
    last_error             VARCHAR(8000) NULL,
    owner                  VARCHAR(200)  NULL,
    lease_until            TIMESTAMP(6)  NULL DEFAULT NULL,
    version                BIGINT        NOT NULL,
    created_at             TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    modified_at            TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    ended_by               VARCHAR(16)   NULL,
    resume_at              TIMESTAMP(6)  NULL DEFAULT NULL,
    stalled_since          TIMESTAMP(6)  NULL DEFAULT NULL,
    stalled_task           VARCHAR(200)  NULL,
    PRIMARY KEY (id),
    CONSTRAINT fs_workflow_status_ck
        CHECK (status IN ('NEW', 'RUNNING', 'HALTED', 'ERROR', 'COMPLETED')),
    CONSTRAINT fs_workflow_token_pos_ck CHECK (token_pos >= -1),
    CONSTRAINT fs_workflow_ended_by_ck
        CHECK (ended_by IN ('HALT', 'RETRY', 'STOP', 'ABORT', 'ERROR', 'SAVE_ERROR'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE INDEX fs_workflow_status_ix ON fs_workflow (status);
CREATE INDEX fs_workflow_due_ix ON fs_workflow (resume_at);
CREATE INDEX fs_workflow_owner_ix ON fs_workflow (owner);

${mariadb_only}CREATE SEQUENCE fs_object_seq START WITH 1 INCREMENT BY 50;
${mysql_only}CREATE TABLE fs_object_seq (next_val BIGINT NOT NULL) ENGINE = InnoDB;
${mysql_only}INSERT INTO fs_object_seq (next_val) VALUES (1);

CREATE TABLE fs_object (
    id           BIGINT        NOT NULL,
    workflow_id  CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    pos          INTEGER       NOT NULL,
    status       VARCHAR(16)   NOT NULL,
    data         JSON          NULL,
    source_data  JSON          NULL,
    extra_data   JSON          NULL,
    callback_pos JSON          NULL,
    error_text   VARCHAR(8000) NULL,
    version      BIGINT        NOT NULL,
    created_at   TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    modified_at  TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    CONSTRAINT fs_object_workflow_fk
        FOREIGN KEY (workflow_id) REFERENCES fs_workflow (id) ON DELETE CASCADE,
    CONSTRAINT fs_object_workflow_pos_uq UNIQUE (workflow_id, pos),
    CONSTRAINT fs_object_status_ck
        CHECK (status IN ('INITIAL', 'COMPLETED', 'HALTED', 'RUNNING', 'ERROR', 'SKIPPED'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

${mariadb_only}CREATE SEQUENCE fs_object_run_seq START WITH 1 INCREMENT BY 50;
${mysql_only}CREATE TABLE fs_object_run_seq (next_val BIGINT NOT NULL) ENGINE = InnoDB;
${mysql_only}INSERT INTO fs_object_run_seq (next_val) VALUES (1);

CREATE TABLE fs_object_run (
    id           BIGINT        NOT NULL,
    workflow_id  CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    pos          INTEGER       NOT NULL,
    started_at   TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    ended_at     TIMESTAMP(6)  NULL DEFAULT NULL,
    outcome      VARCHAR(16)   NULL,
    callback_pos JSON          NULL,
    message      VARCHAR(4000) NULL,
    PRIMARY KEY (id),
    CONSTRAINT fs_object_run_workflow_fk
        FOREIGN KEY (workflow_id) REFERENCES fs_workflow (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE INDEX fs_object_run_workflow_ix ON fs_object_run (workflow_id, pos);

CREATE TABLE fs_worker (
    name        VARCHAR(200) NOT NULL,
    host        VARCHAR(255) NOT NULL,
    pid         BIGINT       NOT NULL,
    threads     INTEGER      NOT NULL,
    started_at  TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    seen_at     TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    alive_until TIMESTAMP(6) NULL DEFAULT NULL,
    stopped_at  TIMESTAMP(6) NULL DEFAULT NULL,
    claimed     BIGINT       NOT NULL,
    completed   BIGINT       NOT NULL,
    halted      BIGINT       NOT NULL,
    failed      BIGINT       NOT NULL,
    released    BIGINT       NOT NULL,
    PRIMARY KEY (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
