/**
 * The flowstate schema as Flyway migrations under {@value
 * dev.flowstate.migrations.FlowstateMigrations#LOCATION}, one set for H2 and PostgreSQL, and {@link
 * dev.flowstate.migrations.FlowstateMigrations} to apply them to a {@code DataSource} or to add
 * them to an application's own Flyway.
 */
package dev.flowstate.migrations;
