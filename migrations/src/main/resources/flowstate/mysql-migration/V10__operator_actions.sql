-- Version 10 on the MySQL family, as flowstate/migration/V10__operator_actions.sql on H2 and
-- PostgreSQL (what each statement is for is written there).
CREATE TABLE fs_workflow_action (
    id             BIGINT        NOT NULL AUTO_INCREMENT,
    workflow_id    CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    action         VARCHAR(32)   NOT NULL,
    resume_at      TIMESTAMP(6)  NULL DEFAULT NULL,
    requested_by   VARCHAR(200)  NOT NULL,
    requested_from VARCHAR(200)  NULL,
    requested_at   TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    CONSTRAINT fs_workflow_action_workflow_fk
        FOREIGN KEY (workflow_id) REFERENCES fs_workflow (id) ON DELETE CASCADE,
    CONSTRAINT fs_workflow_action_ck CHECK (action IN ('RESUME'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE INDEX fs_workflow_action_workflow_ix ON fs_workflow_action (workflow_id, id);

CREATE INDEX fs_workflow_created_ix ON fs_workflow (created_at, id);

CREATE INDEX fs_object_run_ended_ix ON fs_object_run (ended_at);
