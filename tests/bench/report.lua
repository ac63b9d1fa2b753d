-- Appends one machine-readable line to wrk's own report; run.sh reads it instead of parsing
-- wrk's rounded human-readable figures. Latencies are in microseconds.
function done(summary, latency, requests)
   local errors = summary.errors
   io.write(string.format(
      "BENCH requests=%d seconds=%.3f p50=%d p99=%d max=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
      summary.requests, summary.duration / 1e6,
      latency:percentile(50), latency:percentile(99), latency.max,
      errors.status, errors.connect, errors.read, errors.write, errors.timeout))
end
