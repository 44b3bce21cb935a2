-- Worker pools (any number, in any number of processes) claim workflows that are due
-- (resume_at passed: submitted, requested, or a halt's "retry after"), or interrupted (RUNNING
-- with no live owner), and run them. Each pool has a row here, renewed while it lives, with its
-- counts; the workflows it holds name it as their owner.

-- a halt that asked for its task to be retried after a delay
ALTER TABLE fs_workflow DROP CONSTRAINT fs_workflow_ended_by_ck;
ALTER TABLE fs_workflow ADD CONSTRAINT fs_workflow_ended_by_ck
    CHECK (ended_by IN ('HALT', 'RETRY', 'STOP', 'ABORT', 'ERROR', 'SAVE_ERROR'));

-- what each pool holds: fs_worker_status counts it per owner
CREATE INDEX fs_workflow_owner_ix ON fs_workflow (owner);

CREATE TABLE fs_worker (
    name        VARCHAR(200)             NOT NULL,
    host        VARCHAR(255)             NOT NULL,
    pid         BIGINT                   NOT NULL,
    threads     INTEGER                  NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    seen_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    alive_until TIMESTAMP WITH TIME ZONE,
    stopped_at  TIMESTAMP WITH TIME ZONE,
    claimed     BIGINT                   NOT NULL,
    completed   BIGINT                   NOT NULL,
    halted      BIGINT                   NOT NULL,
    failed      BIGINT                   NOT NULL,
    released    BIGINT                   NOT NULL,
    CONSTRAINT fs_worker_pk PRIMARY KEY (name)
);

-- "which pools are there, what do they hold, how much have they done":
--   SELECT * FROM fs_worker_status WHERE status_label = 'Running';
CREATE VIEW fs_worker_status AS
SELECT k.name AS worker,
       k.host,
       k.pid,
       k.threads,
       CASE
           WHEN k.stopped_at IS NOT NULL THEN 'Stopped'
           WHEN k.alive_until IS NULL OR k.alive_until < CURRENT_TIMESTAMP THEN 'Gone'
           ELSE 'Running'
       END AS status_label,
       (SELECT COUNT(*) FROM fs_workflow w
         WHERE w.owner = k.name AND w.lease_until >= CURRENT_TIMESTAMP) AS holding,
       k.claimed,
       k.completed,
       k.halted,
       k.failed,
       k.released,
       k.started_at,
       k.seen_at,
       k.stopped_at
FROM fs_worker k;

-- the workflow view shows when a halted or failed workflow is due
DROP VIEW fs_workflow_status;

CREATE VIEW fs_workflow_status AS
SELECT w.id              AS workflow_id,
       w.definition_name,
       w.status,
       CASE
           WHEN w.status = 'RUNNING' AND (w.lease_until IS NULL OR w.lease_until < CURRENT_TIMESTAMP)
               THEN 'Interrupted'
           WHEN w.status = 'NEW' THEN 'New'
           WHEN w.status = 'RUNNING' THEN 'Running'
           WHEN w.status = 'HALTED' THEN 'Halted'
           WHEN w.status = 'ERROR' THEN 'Error'
           WHEN w.status = 'COMPLETED' THEN 'Completed'
       END               AS status_label,
       w.token_pos,
       w.callback_pos,
       w.halt_message,
       w.halt_action,
       w.last_error,
       (SELECT COUNT(*) FROM fs_object o WHERE o.workflow_id = w.id) AS objects,
       (SELECT COUNT(*) FROM fs_object o
         WHERE o.workflow_id = w.id AND o.status = 'COMPLETED')     AS objects_completed,
       (SELECT COUNT(*) FROM fs_object o
         WHERE o.workflow_id = w.id AND o.status IN ('HALTED', 'ERROR')) AS objects_stuck,
       w.created_at,
       w.modified_at,
       w.owner,
       w.lease_until,
       w.ended_by,
       w.resume_at
FROM fs_workflow w;
