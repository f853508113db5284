-- The mixed workload: nine requests in ten read a page (every page of the app, several
-- agreements and commitments, in a fixed spread), one in ten writes through the API:
-- evidence logged, or a status changed (between in progress and stalled, with the version
-- the commitment is at, so that no write meets a conflict). Each wrk thread writes to its
-- own share of the commitments, one after the other, so no two writes touch one at once.
--
--   wrk ... --script=bench/wrk_mixed.lua URL -- PLAN.json
--
-- PLAN.json is written by `bench/measure.py plan`. Counts every answer that is not a
-- success (200 for a page, 201 for a write: responses arrive on twenty connections in any
-- order, so each is checked against both), and prints the 95th percentile.
local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("number", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

local function read_plan(path)
  local file = assert(io.open(path, "r"))
  local text = file:read("*a")
  file:close()
  return text
end

-- The plan is JSON; wrk has no JSON parser, so the few fields are read with patterns.
local function strings(text, key)
  local list = {}
  local body = text:match('"' .. key .. '"%s*:%s*%[(.-)%]')
  for item in body:gmatch('"(.-)"') do table.insert(list, item) end
  return list
end

local function writes(text)
  local list = {}
  local body = text:match('"writes"%s*:%s*%[(.*)%]')
  for object in body:gmatch("{(.-)}") do
    table.insert(list, {
      id = object:match('"id"%s*:%s*(%d+)'),
      status = object:match('"status"%s*:%s*"(.-)"'),
      version = tonumber(object:match('"version"%s*:%s*(%d+)')),
    })
  end
  return list
end

function init(args)
  local text = read_plan(args[1])
  token = text:match('"token"%s*:%s*"(.-)"')
  reads = strings(text, "reads")
  local all = writes(text)
  mine = {}
  for index, item in ipairs(all) do
    if (index - 1) % thread_count == number then table.insert(mine, item) end
  end
  count, next_write, errors = 0, 1, 0
end

local function write()
  local item = mine[next_write]
  next_write = next_write % #mine + 1
  local headers = {
    ["Authorization"] = "Token " .. token,
    ["Content-Type"] = "application/json",
  }
  if count % 20 == 0 then
    local body = '{"summary": "Reported under load", "stance": "progress", '
      .. '"reliability": "B", "credibility": "2"}'
    return wrk.format("POST", "/api/v1/commitments/" .. item.id .. "/evidence/", headers, body)
  end
  local target = item.status == "in_progress" and "stalled" or "in_progress"
  local body = string.format(
    '{"status": "%s", "reason": "Changed under load", "version": %d}', target, item.version
  )
  item.status, item.version = target, item.version + 1
  return wrk.format("POST", "/api/v1/commitments/" .. item.id .. "/status/", headers, body)
end

function request()
  count = count + 1
  if count % 10 == 0 and #mine > 0 then
    return write()
  end
  -- 7919 is prime: consecutive requests walk the pages in a spread, not in order.
  return wrk.format("GET", reads[(count * 7919) % #reads + 1])
end

function response(status, headers, body)
  if status ~= 200 and status ~= 201 then
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
