-- Counts the responses that are not 200 (wrk itself counts a redirect as a success), so
-- that a load test never measures the sign-in page instead of the page it asked for.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("bad")
  end
  io.write(string.format("non-200: %d\n", total))
end
