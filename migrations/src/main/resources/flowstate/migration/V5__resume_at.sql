-- When a halted or failed workflow should be resumed (requestResume: now; resumeAt: later; a halt
-- that asks to be retried after a delay). Worker pools claim workflows that are NEW, interrupted
-- (RUNNING with an expired lease) or due (resume_at passed); resume() clears it.
ALTER TABLE fs_workflow ADD COLUMN resume_at TIMESTAMP WITH TIME ZONE;

CREATE INDEX fs_workflow_due_ix ON fs_workflow (resume_at);
