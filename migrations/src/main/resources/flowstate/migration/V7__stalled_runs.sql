-- A run that has not reached a save point for longer than its Flowstate's threshold (a hung task,
-- a call that never returns) is marked by the heartbeat of the process that runs it: since when,
-- and in which task. The next save point clears it. The workflow view labels such runs 'Stalled'.
ALTER TABLE fs_workflow ADD COLUMN stalled_since TIMESTAMP WITH TIME ZONE;
ALTER TABLE fs_workflow ADD COLUMN stalled_task VARCHAR(200);

DROP VIEW fs_workflow_status;

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
