-- How the workflow's last run ended, so that resume() continues without the caller reading rows
-- (SEMANTICS §8): HALT (a task halted: resume after it), STOP (resume with the next object),
-- ABORT (the aborted object again from its first task), ERROR (a task failed: the failed task
-- again), SAVE_ERROR (a save failed: the row keeps the positions of the last commit and resumes
-- like an interrupted run). NULL while NEW, RUNNING or COMPLETED.
ALTER TABLE fs_workflow ADD COLUMN ended_by VARCHAR(16);

ALTER TABLE fs_workflow ADD CONSTRAINT fs_workflow_ended_by_ck
    CHECK (ended_by IN ('HALT', 'STOP', 'ABORT', 'ERROR', 'SAVE_ERROR'));
