-- The IMDSv2 flow: each wrk thread alternates a token PUT and a credentials GET carrying a
-- token, so half the requests are PUTs, as for a client that fetches a new token before each
-- credentials fetch. The GET uses the token of the last PUT answered on this thread (the first
-- GETs use the one run.sh fetched beforehand, passed as the first script argument).
-- Usage: wrk -s imdsv2.lua URL_OF_CREDENTIALS -- TOKEN
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local token
local putNext = true

function init(args)
   token = args[1]
end

function request()
   local put = putNext
   putNext = not putNext
   if put then
      return wrk.format("PUT", "/latest/api/token",
                        { ["X-aws-ec2-metadata-token-ttl-seconds"] = "21600" })
   end
   return wrk.format("GET", nil, { ["X-aws-ec2-metadata-token"] = token })
end

function response(status, headers, body)
   if status == 200 and headers["X-aws-ec2-metadata-token-ttl-seconds"] then
      token = body
   end
end
