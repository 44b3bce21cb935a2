-- Views that answer "what is stuck and why" in plain SQL, with readable status labels:
--   SELECT * FROM fs_object_status WHERE workflow_id = '...' AND status <> 'COMPLETED';

CREATE VIEW fs_workflow_status AS
SELECT w.id              AS workflow_id,
       w.definition_name,
       w.status,
       CASE w.status
           WHEN 'NEW' THEN 'New'
           WHEN 'RUNNING' THEN 'Running'
           WHEN 'HALTED' THEN 'Halted'
           WHEN 'ERROR' THEN 'Error'
           WHEN 'COMPLETED' THEN 'Completed'
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
       w.modified_at
FROM fs_workflow w;

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
