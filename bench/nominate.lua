-- wrk script for bench.enrollment: closed-loop nominations, one request per line of a file, in order.
--
--   wrk -t1 -cN -s bench/nominate.lua http://127.0.0.1:PORT -- FILE COUNT
--
-- Each line of FILE is "path<TAB>token<TAB>json body". The thread stops once COUNT answers have come back;
-- FILE holds at least COUNT + N lines, so the requests still in flight then have NIPs of their own.
-- wrk's main thread sleeps out its -d either way and has no clock for Lua, so the thread prints "started"
-- at its first request and "finished" at the COUNT-th answer; the caller times those lines and then
-- interrupts wrk (SIGINT). done() prints one JSON line: answers, status counts, latency percentiles in ms.

local requests, wanted, answered, sent = {}, 0, 0, 0
statuses = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wanted = tonumber(args[2])
  for line in io.lines(args[1]) do
    local path, token, body = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
    requests[#requests + 1] = wrk.format(
      "POST", path, { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body
    )
  end
end

function request()
  sent = sent + 1
  if sent == 1 then
    io.write("started\n")
    io.flush()
  end
  if sent > #requests then
    error("bench/nominate.lua: more requests sent than lines in the file")
  end
  return requests[sent]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  answered = answered + 1
  if answered == wanted then
    io.write("finished\n")
    io.flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, _)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[#counts + 1] = string.format('"%d": %d', status, n)
    end
  end
  io.write(string.format(
    '{"answers": %d, "statuses": {%s}, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, '
      .. '"max_ms": %.3f, "mean_ms": %.3f}\n',
    summary.requests, table.concat(counts, ", "),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000
  ))
end
