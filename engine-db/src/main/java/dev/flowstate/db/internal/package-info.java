/** Not API: entities and machinery of {@code dev.flowstate.db}; may change at any time. */
package dev.flowstate.db.internal;
