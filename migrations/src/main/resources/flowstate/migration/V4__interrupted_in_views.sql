-- A RUNNING workflow whose lease has expired has no live owner: its run was interrupted (a
-- crash, a kill, a lost connection) and any process may take it over with resume(). The view
-- says so, with the owner that held it, so an operator sees what needs resuming.
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
       w.ended_by
FROM fs_workflow w;
