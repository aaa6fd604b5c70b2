-- wrk script for bench/comments.sh: every request POSTs a distinct
-- comment to the demo article, as its form sends one (a stamp fetched
-- beforehand, a user agent, the honeypot empty), and counts the answers
-- by status; done() prints "status count" lines for the script to read.
-- Arguments: POST_ID STAMP.
local threads = {}
local seq = 0

function setup(thread)
	seq = seq + 1
	thread:set("tid", seq)
	table.insert(threads, thread)
end

function init(args)
	post = args[1]
	stamp = args[2]
	n = 0
	counts = {}
	-- A nonce per thread and run: texts differ from every earlier run's,
	-- which the duplicate rule would refuse.
	math.randomseed(os.time() * 100 + tid)
	nonce = tostring(math.random(1, 1000000000))
	wrk.method = "POST"
	wrk.path = "/comments"
	wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
	wrk.headers["User-Agent"] = "Mozilla/5.0 (bench)"
end

function request()
	n = n + 1
	local body = "post=" .. post .. "&parent=0&author=Reader+" .. tid ..
	    "&email=reader" .. tid .. "%40example.org&url=" ..
	    "&comment=Thread+" .. tid .. "+run+" .. nonce .. "+says+number+" ..
	    n ..
	    "%3A+a+distinct+remark+about+the+strikes+and+their+targets." ..
	    "&stamp=" .. stamp .. "&company="
	return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
	counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
	local all = {}
	for _, t in ipairs(threads) do
		local c = t:get("counts")
		for s, k in pairs(c) do
			all[s] = (all[s] or 0) + k
		end
	end
	for s, k in pairs(all) do
		io.write(string.format("status %d %d\n", s, k))
	end
	io.write(string.format("latency_p50_ms %.1f\n",
	    latency:percentile(50) / 1000))
end
