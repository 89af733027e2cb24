/**
 * JMH benchmarks of the hot path; filled by the benchmarks issue.
 */
package io.portcullis.benchmarks;
