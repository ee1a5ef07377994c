-- wrk script: sends the paths of a file (one a line) in turn, round and round, over every
-- connection. Arguments after `--`: PATHS_FILE [CONTENT_TYPE]. With a content type, every
-- answer that is not a 200 of that type is counted (a server answering errors fast must not look
-- fast), at the price of wrk copying each body into Lua: several times slower per response, so
-- only for checking runs. Without it wrk counts only statuses >= 400.
-- The report line comes from ../wrk-report.lua (its path in BENCH_WRK_REPORT); a checking run
-- adds BENCH-CHECK {"wrong":n,"bytes":n,"checked":n}.
local paths = {}
local next_index = 0
wrong = 0
bytes = 0
checked = 0

local function checking(expected_type)
  return function(status, headers, body)
    checked = checked + 1
    bytes = bytes + #body
    local ctype = headers['Content-Type'] or headers['content-type'] or ''
    if status ~= 200 or string.sub(ctype, 1, #expected_type) ~= expected_type then wrong = wrong + 1 end
  end
end

init = function(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  -- wrk asks whether `response` exists after init: defined here, only when checking.
  if args[2] then response = checking(args[2]) end
end

request = function()
  next_index = next_index % #paths + 1
  return wrk.format('GET', paths[next_index])
end

local threads = {}
setup = function(thread)
  threads[#threads + 1] = thread
end

dofile(os.getenv('BENCH_WRK_REPORT'))
local report = done
done = function(summary, latency, requests)
  report(summary, latency, requests)
  local w, b, c = 0, 0, 0
  for _, t in ipairs(threads) do
    w = w + t:get('wrong')
    b = b + t:get('bytes')
    c = c + t:get('checked')
  end
  -- %.0f: byte counts pass 2^31 in a long run.
  if c > 0 then io.write(string.format('BENCH-CHECK {"wrong":%.0f,"bytes":%.0f,"checked":%.0f}\n', w, b, c)) end
end
