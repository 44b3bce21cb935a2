-- flowstate schema, one set for H2 and PostgreSQL.
-- ${json_type} is JSONB on PostgreSQL and JSON on H2 (see FlowstateMigrations).
-- Statuses are stored as names (HALTED, not 2) so that plain SQL reads them.

CREATE TABLE fs_workflow (
    id                     UUID                     NOT NULL,
    definition_name        VARCHAR(200)             NOT NULL,
    definition_fingerprint VARCHAR(64)              NOT NULL,
    status                 VARCHAR(16)              NOT NULL,
    token_pos              INTEGER                  NOT NULL,
    callback_pos           ${json_type}             NOT NULL,
    extra_data             ${json_type},
    halt_message           VARCHAR(4000),
    halt_action            VARCHAR(200),
    halt_payload           ${json_type},
    last_error             VARCHAR(8000),
    owner                  VARCHAR(200),
    lease_until            TIMESTAMP WITH TIME ZONE,
    version                BIGINT                   NOT NULL,
    created_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    modified_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT fs_workflow_pk PRIMARY KEY (id),
    CONSTRAINT fs_workflow_status_ck
        CHECK (status IN ('NEW', 'RUNNING', 'HALTED', 'ERROR', 'COMPLETED')),
    CONSTRAINT fs_workflow_token_pos_ck CHECK (token_pos >= -1)
);

CREATE INDEX fs_workflow_status_ix ON fs_workflow (status);

-- pooled ids: Hibernate can batch inserts (IDENTITY would force one round trip per row)
CREATE SEQUENCE fs_object_seq START WITH 1 INCREMENT BY 50;

CREATE TABLE fs_object (
    id           BIGINT                   NOT NULL,
    workflow_id  UUID                     NOT NULL,
    pos          INTEGER                  NOT NULL,
    status       VARCHAR(16)              NOT NULL,
    data         ${json_type},
    source_data  ${json_type},
    extra_data   ${json_type},
    callback_pos ${json_type},
    error_text   VARCHAR(8000),
    version      BIGINT                   NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    modified_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT fs_object_pk PRIMARY KEY (id),
    CONSTRAINT fs_object_workflow_fk
        FOREIGN KEY (workflow_id) REFERENCES fs_workflow (id) ON DELETE CASCADE,
    CONSTRAINT fs_object_workflow_pos_uq UNIQUE (workflow_id, pos),
    CONSTRAINT fs_object_status_ck
        CHECK (status IN ('INITIAL', 'COMPLETED', 'HALTED', 'RUNNING', 'ERROR', 'SKIPPED'))
);

CREATE INDEX fs_object_status_ix ON fs_object (status);

-- history: one row per object run (start, end, outcome), not per task: a task run is tens of
-- nanoseconds, a row per task would multiply the writes of a durable run by the task count,
-- while a row per object run costs one insert in the commit the run already makes.
CREATE SEQUENCE fs_object_run_seq START WITH 1 INCREMENT BY 50;

CREATE TABLE fs_object_run (
    id           BIGINT                   NOT NULL,
    workflow_id  UUID                     NOT NULL,
    pos          INTEGER                  NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at     TIMESTAMP WITH TIME ZONE,
    outcome      VARCHAR(16),
    callback_pos ${json_type},
    message      VARCHAR(4000),
    CONSTRAINT fs_object_run_pk PRIMARY KEY (id),
    CONSTRAINT fs_object_run_workflow_fk
        FOREIGN KEY (workflow_id) REFERENCES fs_workflow (id) ON DELETE CASCADE
);

CREATE INDEX fs_object_run_workflow_ix ON fs_object_run (workflow_id, pos);
