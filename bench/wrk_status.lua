-- Counts the responses that are not 200 (wrk itself counts a redirect as a success), so
-- that a load test never measures the sign-in page instead of the page it asked for; and
-- prints the 95th percentile latency, which wrk's own summary leaves out.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  errors = 0
end

function response(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("errors")
  end
  io.write(string.format("errors: %d\n", total))
  io.write(string.format("p95_us: %d\n", latency:percentile(95)))
end
