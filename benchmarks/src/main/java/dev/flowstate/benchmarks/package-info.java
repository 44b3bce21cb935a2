/** JMH benchmarks of the engine, each beside a plain-Java baseline measured in the same run. */
package dev.flowstate.benchmarks;
