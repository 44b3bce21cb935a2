-- The status views as they are now: the one copy of their definitions. Flyway runs this
-- repeatable migration after the versioned ones whenever its text changes, so changing a view is
-- an edit here, not another copy in a new version (V2, V4, V6 and V7 hold the views' history and
-- stay as they were applied). A versioned migration that changes a column a view reads drops that
-- view first; this file creates it again at the end of the same migrate.
-- Standard SQL only: every database family flowstate runs on reads the same views.

-- the MySQL family notes each view that is not there yet, which Flyway would log as a warning
${mariadb_only}SET sql_notes = 0;
${mysql_only}SET sql_notes = 0;
DROP VIEW IF EXISTS fs_workflow_status;
DROP VIEW IF EXISTS fs_object_status;
DROP VIEW IF EXISTS fs_worker_status;
${mariadb_only}SET sql_notes = 1;
${mysql_only}SET sql_notes = 1;

-- one row per workflow: its status in words ('Interrupted' when its lease has run out by the
-- database's clock, 'Stalled' when it is marked so), its positions, and its objects counted
CREATE VIEW fs_workflow_status AS
SELECT w.id              AS workflow_id,
       w.definition_name,
       w.status,
       CASE
           WHEN w.status = 'RUNNING' AND (w.lease_until IS NULL OR w.lease_until < CURRENT_TIMESTAMP)
               THEN 'Interrupted'
           WHEN w.status = 'RUNNING' AND w.stalled_since IS NOT NULL THEN 'Stalled'
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
       w.resume_at,
       w.stalled_since,
       w.stalled_task
FROM fs_workflow w;

-- one row per object: its status in words, and the halt of its workflow when it halted
CREATE VIEW fs_object_status AS
SELECT o.workflow_id,
       o.pos             AS position,
       o.status,
       CASE o.status
           WHEN 'INITIAL' THEN 'New'
           WHEN 'COMPLETED' THEN 'Done'
           WHEN 'HALTED' THEN 'Need action'
           WHEN 'RUNNING' THEN 'In process'
           WHEN 'ERROR' THEN 'Error'
           WHEN 'SKIPPED' THEN 'Skipped'
       END               AS status_label,
       o.callback_pos,
       o.error_text,
       CASE WHEN o.status = 'HALTED' THEN w.halt_message END AS halt_message,
       CASE WHEN o.status = 'HALTED' THEN w.halt_action END  AS halt_action,
       w.definition_name,
       w.status          AS workflow_status,
       o.modified_at
FROM fs_object o
JOIN fs_workflow w ON w.id = o.workflow_id;

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
