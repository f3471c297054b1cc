-- wrk script of the benchmark: the request comes from the command line (URL and -H headers);
-- BENCH_METHOD and BENCH_BODY (environment) turn it into a POST with a body (the moto reference);
-- BENCH_OFFSET_MAX, below, varies the page of a list. No response() hook: it would make wrk parse
-- every response in Lua and slow the load generator.
-- done() prints one line, BENCH_JSON {...}, with the figures bench.py keeps (latencies in µs), and with
-- BENCH_HISTOGRAM set a second one, BENCH_HIST, with every latency seen and its count ("µs:count ..."):
-- bench.py merges the histograms of wrk runs taken together against several nodes into one.

local method = os.getenv("BENCH_METHOD")
if method and method ~= "" then
   wrk.method = method
end
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
   wrk.body = body
end

-- BENCH_OFFSET_MAX (environment) makes every request a different page: the URL's offset=N becomes
-- 0, 7919, 2 × 7919, ... modulo BENCH_OFFSET_MAX + 1, so that each offset comes back only after all
-- the others (a response cache smaller than the whole list never answers one). The signature of an
-- SDK-signed request covers the query: use it with an X-Auth-Token.
local offset_max = tonumber(os.getenv("BENCH_OFFSET_MAX") or "")
if offset_max then
   local n = 0
   request = function()
      n = n + 1
      local path = wrk.path:gsub("offset=%d+", "offset=" .. ((n * 7919) % (offset_max + 1)))
      return wrk.format(nil, path)
   end
end

done = function(summary, latency, requests)
   local e = summary.errors
   local seconds = summary.duration / 1e6
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"rps":%.3f,' ..
      '"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"mean_us":%.1f,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
      summary.requests, summary.duration, summary.bytes, summary.requests / seconds,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
      latency.max, latency.mean,
      e.connect, e.read, e.write, e.status, e.timeout))
end

local histogram = os.getenv("BENCH_HISTOGRAM")
if histogram and histogram ~= "" then
   local report = done
   done = function(summary, latency, requests)
      report(summary, latency, requests)
      local parts = {}
      for i = 1, #latency do
         local value, count = latency(i)
         parts[#parts + 1] = string.format("%d:%d", value, count)
      end
      io.write("BENCH_HIST ", table.concat(parts, " "), "\n")
   end
end
