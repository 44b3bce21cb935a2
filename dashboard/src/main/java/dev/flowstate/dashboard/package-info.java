/**
 * The operations dashboard and HTTP API of flowstate: {@link dev.flowstate.dashboard.Dashboard}
 * starts it over a flowstate database. Everything else in this package is its inside.
 */
package dev.flowstate.dashboard;
