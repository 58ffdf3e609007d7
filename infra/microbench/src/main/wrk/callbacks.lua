-- wrk's script for pre-signed AXP callbacks (docs/PERFORMANCE.md): each request the next line of the
-- file $WRK_CALLBACKS ("X-hmac<TAB>body" a line, written by io.pushgate.microbench.PreSignedCallbacks).
-- $WRK_THREADS must be wrk's -t: thread k of T sends lines k, k+T, k+2T, ..., so no line is sent twice;
-- a thread whose lines are used up stops (a line sent again is answered 200, a duplicate: make the file
-- longer than the run; the database's row count against wrk's requests says whether it was).
--   WRK_THREADS=2 WRK_CALLBACKS=callbacks.tsv wrk -t2 -c64 -d20s --latency -s callbacks.lua CALLBACK_URL
local threads = 0

function setup(thread)
  thread:set("me", threads)
  threads = threads + 1
end

local requests = {}
local sent = 0

function init(args)
  local all = tonumber(os.getenv("WRK_THREADS"))
  local n = 0
  for line in io.lines(os.getenv("WRK_CALLBACKS")) do
    if n % all == me then
      local tab = line:find("\t")
      requests[#requests + 1] = wrk.format("POST", nil,
        {["Content-Type"] = "application/json", ["X-hmac"] = line:sub(1, tab - 1)}, line:sub(tab + 1))
    end
    n = n + 1
  end
end

function request()
  sent = sent + 1
  if sent >= #requests then
    wrk.thread:stop() -- connections of the thread asked in the same turn of its loop get the last line again
  end
  return requests[math.min(sent, #requests)]
end
