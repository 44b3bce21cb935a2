-- Updates that change no indexed column can be HOT on PostgreSQL (heap-only tuples: no index
-- entry is written, and the old row version is pruned within its page), if the page has room.
--
-- Objects: each run changes an object's status twice. No query of flowstate's finds objects by
-- status across workflows (they are read by workflow and position), so the status index only
-- made every object update write all three indexes. Without it, object updates are HOT.
DROP INDEX fs_object_status_ix;

-- Room in each page for the new versions of its rows: objects (marked RUNNING, then saved) and
-- workflows (positions, versions and lease renewals while they run; status, owner and due time
-- stay indexed, for the claims and the views). PostgreSQL only: ${pg_only} is a comment elsewhere.
${pg_only}ALTER TABLE fs_object SET (fillfactor = 80);
${pg_only}ALTER TABLE fs_workflow SET (fillfactor = 80);
