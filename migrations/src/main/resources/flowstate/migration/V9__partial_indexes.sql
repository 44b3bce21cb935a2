-- Only the rows a query looks for, in the workflow indexes (PostgreSQL; H2 has no partial indexes
-- and keeps the full ones: ${pg_only} is a comment there).
--
-- A row that changes an indexed column gets a new entry in every index whose condition it meets,
-- and most workflows end COMPLETED, with no owner and nothing due. Indexed in full, each of a
-- short workflow's three row versions (submitted, claimed, ended) wrote an entry into all three
-- indexes: 9 of the 16 index entries a one-object workflow wrote. Partial, the ended version
-- writes none of them.
--
-- status: the claims look for RUNNING, the views and the command line for NEW, RUNNING, HALTED
-- and ERROR; COMPLETED is most of the table, which a scan reads as fast as an index would.
-- resume_at: the claims look for due rows (resume_at <= now implies NOT NULL).
-- owner: what a pool holds (fs_worker_status counts per owner, which implies NOT NULL).
${pg_only}DROP INDEX fs_workflow_status_ix;
${pg_only}CREATE INDEX fs_workflow_status_ix ON fs_workflow (status) WHERE status <> 'COMPLETED';
${pg_only}DROP INDEX fs_workflow_due_ix;
${pg_only}CREATE INDEX fs_workflow_due_ix ON fs_workflow (resume_at) WHERE resume_at IS NOT NULL;
${pg_only}DROP INDEX fs_workflow_owner_ix;
${pg_only}CREATE INDEX fs_workflow_owner_ix ON fs_workflow (owner) WHERE owner IS NOT NULL;
