-- wrk -s bench/wrk-statuses.lua: counts the answers by status, in every thread, and prints
-- them after wrk's own report as one line that bench/hit.ts reads:
--   wrk-statuses {"304":123456} requests 123456
-- wrk's "Non-2xx or 3xx responses" counts only statuses from 400 on: a 200 where a 304 was
-- wanted (or the reverse) would pass it unseen, this line does not.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local parts = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      table.insert(parts, string.format('"%d":%d', status, count))
    end
  end
  io.write(string.format("wrk-statuses {%s} requests %d\n", table.concat(parts, ","), summary.requests))
end
