package dev.flowstate.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.db.internal.Tables;
import java.time.Clock;

/*
 * What every run of one Flowstate is made with: the builder's settings and the shared parts a run
 * writes through. Engines holds it; each run's save points take it.
 *
 * @param tables the store by table
 * @param mapper the JSON columns' mapper
 * @param clock the clock of the timestamps written
 * @param history whether runs write history rows
 * @param maxDataLength the longest JSON value a save accepts
 * @param leases the leases and their heartbeat
 * @param events the store's events for listeners
 * @param binding how tasks reach the run's transaction, or null
 */
record RunSettings(
    Tables tables,
    ObjectMapper mapper,
    Clock clock,
    boolean history,
    int maxDataLength,
    Leases leases,
    StoreEvents events,
    TransactionBinding binding) {}
