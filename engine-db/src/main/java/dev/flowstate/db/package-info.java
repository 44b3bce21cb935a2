/**
 * The persistent engine: {@link dev.flowstate.db.Flowstate} stores workflows, their objects and
 * positions in a database (embedded H2 by default, PostgreSQL for real use), saving at every save
 * point, so that a later process loads a workflow by id and restarts it exactly where it stopped.
 */
package dev.flowstate.db;
