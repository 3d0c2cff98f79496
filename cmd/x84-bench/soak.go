package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/x84bbs/x84/internal/control"
	"github.com/x84bbs/x84/telnet"
)

// soakCmd is "x84-bench soak": minutes of churn (callers who connect, log
// in, visit a few screens, chat, and leave, then call again) with the
// server's memory and goroutines sampled as it runs, to show whether
// anything grows once the load is steady.
func soakCmd(bin string, args []string) error {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	n := fs.Int("n", 2000, "callers, each with one session at a time (1..15000)")
	d := fs.Duration("d", 10*time.Minute, "how long the churn runs (10s..24h)")
	every := fs.Duration("every", 10*time.Second, "how often to sample the server")
	warmup := fs.Duration("warmup", 0, "how long the warm-up lasts, not counted in the growth (default a sixth of -d, at most 1m, but at least ten pauses and at most half of -d)")
	users := fs.Int("users", -1, "how many callers log in with an account and a password; the rest come in as anonymous (default a tenth of -n)")
	think := fs.Duration("think", 5*time.Second, "a caller's mean pause between two steps (and stay in the chat)")
	screens := fs.String("screens", "owc", "the screens each call visits, by their menu keys (always in this order): o (one-liners), w (who's online), c (chat)")
	calls := fs.Int64("calls", 0, "stop after this many calls in all (default 200 per caller)")
	heapProfile := fs.String("heapprofile", "", "write the server's heap profile, taken once all have hung up, to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case bin == "":
		return errors.New("soak needs -x84 PATH (before the subcommand)")
	case *n < 1 || *n > 15000:
		return errors.New("-n must be 1..15000")
	case *d < 10*time.Second || *d > 24*time.Hour:
		return errors.New("-d must be 10s..24h")
	case *every < time.Second || *every > *d:
		return errors.New("-every must be at least 1s and at most -d")
	case *think < 0 || *think > time.Minute:
		return errors.New("-think must be 0..1m")
	case strings.Trim(*screens, "owc") != "" || len(*screens) > 3:
		return errors.New("-screens must be made of o, w and c")
	}
	if *warmup <= 0 {
		// Long enough for the arrivals (the first half of it) and a whole
		// call of each caller after them.
		*warmup = min(*d/2, max(min(*d/6, time.Minute), 10**think))
	}
	if *warmup >= *d {
		return errors.New("-warmup must be shorter than -d")
	}
	if *users < 0 {
		*users = *n / 10
	}
	*users = min(*users, *n)
	if *calls <= 0 {
		*calls = int64(*n) * 200
	}
	// Room above n for sessions whose callers have hung up and that the
	// server has not counted out yet.
	srv, err := startServer(bin, *n+*n/10)
	if err != nil {
		return err
	}
	defer srv.stop()
	if *users > 0 {
		fmt.Printf("creating %d accounts...\n", *users)
		if err := srv.users(*users); err != nil {
			return err
		}
	}
	sk := &soak{srv: srv, heapProfile: *heapProfile, n: *n, users: *users, think: *think, screens: *screens, maxCalls: *calls, errs: map[string]*stepErrors{}}
	return sk.run(*d, *every, *warmup)
}

type soak struct {
	srv         *server
	heapProfile string
	n, users    int
	think       time.Duration
	screens     string
	maxCalls    int64

	calls    atomic.Int64 // calls begun
	done     atomic.Int64 // calls that went through every step
	failures atomic.Int64 // calls that failed at some step
	lines    atomic.Int64 // chat lines said and seen

	mu       sync.Mutex
	connects []time.Duration // connect to login screen, this interval
	logins   []time.Duration // credentials sent to menu, this interval
	errs     map[string]*stepErrors
}

type stepErrors struct {
	count int
	first string
}

// sample is the server as sampled once.
type sample struct {
	at         time.Duration
	sessions   int
	goroutines int
	heap       uint64 // in use after a collection
	stacks     uint64
	rss        uint64
	calls      int64 // completed in the interval
	failures   int64
	connectP99 time.Duration
	loginP99   time.Duration
}

func (sk *soak) run(d, every, warmup time.Duration) error {
	ctx := context.Background()
	base, err := sk.srv.ctl.Stats(ctx, true)
	if err != nil {
		return err
	}
	baseRSS := sk.srv.rss()
	fmt.Printf("soak: %d callers (%d with an account, the rest anonymous) for %v, sampled every %v, warm-up %v; at most %d calls\n",
		sk.n, sk.users, d, every, warmup, sk.maxCalls)
	var visits []string
	for _, k := range sk.screens {
		visits = append(visits, map[rune]string{'o': "one-liners (now and then a post)", 'w': "who's online", 'c': "chat (a line, a stay)"}[k])
	}
	fmt.Printf("each call: connect, log in, %s, then log off or hang up; pauses of %v on average\n", strings.Join(visits, ", "), sk.think)
	fmt.Printf("before the load: goroutines %d, heap %.1f MiB, stacks %.1f MiB, RSS %.1f MiB\n\n",
		base.Goroutines, mib(base.HeapInuse), mib(base.StackInuse), mib(baseRSS))
	fmt.Println("   time  sessions  goroutines  per session  heap MiB  stacks MiB  RSS MiB  calls  failed  connect p99  login p99")

	// The callers stop when told, after the sampling has ended and the
	// errors so far are counted: not at the same instant.
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	end := time.After(d)
	start := time.Now()
	ramp := warmup / 2
	var callers sync.WaitGroup
	for i := 1; i <= sk.n; i++ {
		callers.Go(func() {
			// Arrivals spread over the first half of the warm-up.
			delay := time.Duration(int64(ramp) * int64(i-1) / int64(sk.n))
			if sleepCtx(runCtx, delay) != nil {
				return
			}
			sk.caller(runCtx, i)
		})
	}

	var samples []sample
	tick := time.NewTicker(every)
	defer tick.Stop()
	var lastDone, lastFailed int64
sampling:
	for {
		select {
		case <-end:
			break sampling
		case <-tick.C:
		}
		s, err := sk.sample(time.Since(start))
		if time.Since(start) >= d {
			break sampling // taken as the soak ended: not counted
		}
		if err != nil {
			fmt.Println("  sample failed:", err)
			continue
		}
		done, failed := sk.done.Load(), sk.failures.Load()
		s.calls, s.failures = done-lastDone, failed-lastFailed
		lastDone, lastFailed = done, failed
		samples = append(samples, s)
		mark := ""
		if s.at <= warmup {
			mark = "  (warm-up)"
		}
		fmt.Printf("%s%s\n", s.row(base.Goroutines), mark)
	}
	fmt.Println("\nstopping the callers...")
	duringChurn := len(sk.srv.errorLines())
	cancel()
	waited := make(chan struct{})
	go func() { callers.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(time.Minute):
		fmt.Println("  some callers did not stop within a minute")
	}

	// Once everyone has gone, the server should be back where it began.
	drainCtx, drainCancel := context.WithTimeout(ctx, time.Minute)
	defer drainCancel()
	var after control.Stats
	for {
		after, err = sk.srv.ctl.Stats(drainCtx, false)
		if err != nil || after.Sessions == 0 {
			break
		}
		if sleepCtx(drainCtx, 200*time.Millisecond) != nil {
			fmt.Printf("  %d sessions still open a minute after the callers stopped\n", after.Sessions)
			break
		}
	}
	time.Sleep(2 * time.Second) // sessions end their goroutines just after they count out
	// Two collections: what sync.Pools keep survives the first.
	if _, err = sk.srv.ctl.Stats(ctx, true); err != nil {
		return err
	}
	if after, err = sk.srv.ctl.Stats(ctx, true); err != nil {
		return err
	}
	afterRSS := sk.srv.rss()
	if sk.heapProfile != "" {
		if err := sk.srv.saveHeapProfile(sk.heapProfile); err != nil {
			fmt.Println("heap profile:", err)
		} else {
			fmt.Printf("the server's heap once all had hung up: %s (go tool pprof -sample_index=inuse_space %s)\n", sk.heapProfile, sk.heapProfile)
		}
	}

	sk.report(samples, warmup, base, baseRSS, after, afterRSS, duringChurn)
	return nil
}

func (sk *soak) sample(at time.Duration) (sample, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := sk.srv.ctl.Stats(ctx, true)
	if err != nil {
		return sample{}, err
	}
	sk.mu.Lock()
	connects, logins := sk.connects, sk.logins
	sk.connects, sk.logins = nil, nil
	sk.mu.Unlock()
	return sample{at: at, sessions: st.Sessions, goroutines: st.Goroutines, heap: st.HeapInuse,
		stacks: st.StackInuse, rss: sk.srv.rss(), connectP99: quantile(connects, 0.99), loginP99: quantile(logins, 0.99)}, nil
}

func (s sample) row(baseGoroutines int) string {
	per := "-"
	if s.sessions > 0 {
		per = fmt.Sprintf("%.2f", float64(s.goroutines-baseGoroutines)/float64(s.sessions))
	}
	return fmt.Sprintf("%7s  %8d  %10d  %11s  %8.1f  %10.1f  %7.1f  %5d  %6d  %11s  %9s",
		s.at.Round(time.Second), s.sessions, s.goroutines, per, mib(s.heap), mib(s.stacks), mib(s.rss),
		s.calls, s.failures, roundMS(s.connectP99), roundMS(s.loginP99))
}

// report prints how the figures after the warm-up moved, the state once
// everyone had gone, the errors, and RESULT lines for scripts.
func (sk *soak) report(samples []sample, warmup time.Duration, base control.Stats, baseRSS uint64, after control.Stats, afterRSS uint64, duringChurn int) {
	var steady []sample
	for _, s := range samples {
		if s.at > warmup {
			steady = append(steady, s)
		}
	}
	fmt.Printf("\nafter all hung up: sessions %d, goroutines %d (%+d on the start), heap %.1f MiB (%+.1f), stacks %.1f MiB, RSS %.1f MiB (%+.1f)\n",
		after.Sessions, after.Goroutines, after.Goroutines-base.Goroutines, mib(after.HeapInuse),
		mib(after.HeapInuse)-mib(base.HeapInuse), mib(after.StackInuse), mib(afterRSS), mib(afterRSS)-mib(baseRSS))
	fmt.Printf("calls: %d begun, %d went through every step, %d failed; %d chat lines said and seen\n",
		sk.calls.Load(), sk.done.Load(), sk.failures.Load(), sk.lines.Load())
	sk.mu.Lock()
	steps := make([]string, 0, len(sk.errs))
	for step := range sk.errs {
		steps = append(steps, step)
	}
	sort.Strings(steps)
	for _, step := range steps {
		e := sk.errs[step]
		fmt.Printf("  failed at %-10s %6d  (first: %s)\n", step, e.count, e.first)
	}
	sk.mu.Unlock()
	// Callers cut off at the end hang up in the middle of screens, which
	// the server may log as errors: those are counted apart.
	serverErrors := sk.srv.errorLines()
	fmt.Printf("server errors logged: %d during the churn, %d as the callers were stopped", duringChurn, len(serverErrors)-duringChurn)
	if len(serverErrors) > 0 {
		fmt.Printf("; the first: %s", serverErrors[0])
	}
	fmt.Println()
	fmt.Printf("RESULT soak_server_errors %d - count\n", duringChurn)
	leftover := after.Goroutines - base.Goroutines
	fmt.Printf("RESULT soak_calls %d - count\n", sk.done.Load())
	fmt.Printf("RESULT soak_failed_calls %d - count\n", sk.failures.Load())
	fmt.Printf("RESULT soak_goroutines_left_after %d - count\n", leftover)
	if len(steady) < 2 {
		fmt.Println("growth: too few samples after the warm-up to tell")
		return
	}
	// The first and last few samples after the warm-up, averaged: one
	// sample alone is at the mercy of the churn's ups and downs.
	// Under churn the live heap swings with what is in flight at the
	// moment: a password hash holds 19 MiB while it runs, screens being
	// drawn hold theirs. A leak shows as a rising floor. So the samples
	// after the warm-up are cut into windows of up to a minute, and a
	// straight line is fitted through each window's lowest figure: the
	// growth is where the line ends against where it begins.
	rss := func(s sample) float64 { return mib(s.rss) }
	heap := func(s sample) float64 { return mib(s.heap) }
	perSession := func(s sample) float64 {
		if s.sessions == 0 {
			return 0
		}
		return float64(s.goroutines-base.Goroutines) / float64(s.sessions)
	}
	w := max(1, min(6, len(steady)/8))
	fit := func(f func(sample) float64) (from, to, perMinute float64) {
		var xs, ys []float64
		for i := 0; i < len(steady); i += w {
			win := steady[i:min(i+w, len(steady))]
			lo := math.Inf(1)
			for _, s := range win {
				lo = math.Min(lo, f(s))
			}
			xs = append(xs, (win[0].at.Minutes()+win[len(win)-1].at.Minutes())/2)
			ys = append(ys, lo)
		}
		var sx, sy, sxx, sxy float64
		for i := range xs {
			sx, sy, sxx, sxy = sx+xs[i], sy+ys[i], sxx+xs[i]*xs[i], sxy+xs[i]*ys[i]
		}
		m := float64(len(xs))
		if den := m*sxx - sx*sx; den != 0 {
			perMinute = (m*sxy - sx*sy) / den
		}
		at := func(x float64) float64 { return sy/m + perMinute*(x-sx/m) }
		return at(xs[0]), at(xs[len(xs)-1]), perMinute
	}
	pct := func(a, b float64) float64 {
		if a <= 0 {
			return 0
		}
		return (b - a) / a * 100
	}
	rssFrom, rssTo, rssSlope := fit(rss)
	heapFrom, heapTo, heapSlope := fit(heap)
	gorFrom, gorTo, _ := fit(func(s sample) float64 { return float64(s.goroutines) })
	rssGrowth, heapGrowth := pct(rssFrom, rssTo), pct(heapFrom, heapTo)
	fmt.Printf("after the warm-up: %d samples, %v to %v, in windows of %d\n", len(steady),
		steady[0].at.Round(time.Second), steady[len(steady)-1].at.Round(time.Second), w)
	fmt.Printf("  growth (a line through the windows' lowest): RSS %.1f -> %.1f MiB (%+.1f%%, %+.2f MiB/min), heap %.1f -> %.1f MiB (%+.1f%%, %+.2f MiB/min), goroutines %.0f -> %.0f\n",
		rssFrom, rssTo, rssGrowth, rssSlope, heapFrom, heapTo, heapGrowth, heapSlope, gorFrom, gorTo)
	k := max(1, min(6, len(steady)/3))
	first, last := steady[:k], steady[len(steady)-k:]
	over := func(ss []sample, f func(sample) float64) (lo, mean float64) {
		lo = math.Inf(1)
		for _, s := range ss {
			lo = math.Min(lo, f(s))
			mean += f(s)
		}
		return lo, mean / float64(len(ss))
	}
	rssLo0, rssMean0 := over(first, rss)
	rssLo1, rssMean1 := over(last, rss)
	heapLo0, heapMean0 := over(first, heap)
	heapLo1, heapMean1 := over(last, heap)
	_, g0 := over(first, perSession)
	_, g1 := over(last, perSession)
	fmt.Printf("  the first %d samples against the last %d: lowest RSS %.1f -> %.1f MiB, heap %.1f -> %.1f MiB; mean RSS %.1f -> %.1f MiB, heap %.1f -> %.1f MiB, goroutines per session %.2f -> %.2f\n",
		k, k, rssLo0, rssLo1, heapLo0, heapLo1, rssMean0, rssMean1, heapMean0, heapMean1, g0, g1)
	// No growth: once all have gone, the goroutines are back to the
	// start and the heap nearly so; and, in a run long enough to tell
	// (four minutes of samples after the warm-up at the default rate),
	// the line through the floors rises by at most a tenth (or a few MiB,
	// for small runs).
	heapLeft := mib(after.HeapInuse) - mib(base.HeapInuse)
	var problems []string
	if leftover > 10 {
		problems = append(problems, fmt.Sprintf("%d goroutines left once all hung up", leftover))
	}
	if heapLeft > 16 {
		problems = append(problems, fmt.Sprintf("the heap %.1f MiB above the start once all hung up", heapLeft))
	}
	judged := len(steady) >= 24
	if judged && rssGrowth > 10 && rssTo-rssFrom > 8 {
		problems = append(problems, fmt.Sprintf("RSS %+.1f%% under load", rssGrowth))
	}
	if judged && heapGrowth > 10 && heapTo-heapFrom > 4 {
		problems = append(problems, fmt.Sprintf("heap %+.1f%% under load", heapGrowth))
	}
	verdict := "no growth after the warm-up"
	if len(problems) > 0 {
		verdict = "GROWTH: " + strings.Join(problems, ", ")
	}
	if !judged {
		verdict += fmt.Sprintf(" (judged once all hung up only: %d samples after the warm-up are too few for the trend under load; 24 or more are)", len(steady))
	}
	fmt.Printf("verdict: %s\n", verdict)
	fmt.Println("  (no growth: at most 10 goroutines and 16 MiB of heap left once all hung up; under load, along the line, RSS within +10% or +8 MiB and heap within +10% or +4 MiB)")
	fmt.Printf("RESULT soak_rss_growth %.1f - %%\n", rssGrowth)
	fmt.Printf("RESULT soak_heap_growth %.1f - %%\n", heapGrowth)
	fmt.Printf("RESULT soak_rss_trend %.2f - MiB/min\n", rssSlope)
}

// saveHeapProfile writes the server's heap profile (from its control
// socket) to path.
func (s *server) saveHeapProfile(path string) error {
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", filepath.Join(s.dir, "x84.sock"))
		},
	}}
	resp, err := client.Get("http://x84/debug/pprof/heap")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the server answered %s", resp.Status)
	}
	return writeFile(path, func(w io.Writer) error {
		_, err := io.Copy(w, resp.Body)
		return err
	})
}

// caller calls again and again until ctx ends or the calls run out.
func (sk *soak) caller(ctx context.Context, id int) {
	handle, password := "anonymous", ""
	if id <= sk.users {
		handle, password = fmt.Sprintf("bench%d", id), benchPassword
	}
	rng := rand.New(rand.NewPCG(uint64(id), uint64(time.Now().UnixNano())))
	for k := 0; ctx.Err() == nil; k++ {
		if sk.calls.Add(1) > sk.maxCalls {
			return
		}
		step, err := sk.call(ctx, rng, id, k, handle, password)
		switch {
		case err == nil:
			sk.done.Add(1)
		case ctx.Err() != nil:
			return // the soak is over; not a failure
		default:
			sk.failures.Add(1)
			sk.mu.Lock()
			e := sk.errs[step]
			if e == nil {
				e = &stepErrors{first: err.Error()}
				sk.errs[step] = e
			}
			e.count++
			sk.mu.Unlock()
			sleepCtx(ctx, time.Second) // not a storm of retries
		}
	}
}

// Markers: the last thing each screen draws, or near it.
var (
	menuMarker    = []byte("Goodbye (log off)") // the menu's last entry
	wallMarker    = []byte("add a one-liner")
	whoMarker     = []byte("Activity") // a column of who's online
	loungeMarker  = []byte("the lounge")
	confirmMarker = []byte("Log off now?")
)

// call is one call through; it returns the step it failed at.
func (sk *soak) call(ctx context.Context, rng *rand.Rand, id, k int, handle, password string) (string, error) {
	t0 := time.Now()
	c, err := net.DialTimeout("tcp", sk.srv.addr, 10*time.Second)
	if err != nil {
		return "dial", err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() }) // the end of the soak ends the call
	defer stop()
	r := &screenReader{tc: telnet.NewClientConn(c, &xterm), c: c}
	if err := r.expect(marker); err != nil {
		return "connect", err
	}
	connected := time.Since(t0)
	t1 := time.Now()
	creds := handle + "\r"
	if password != "" {
		creds += password + "\r"
	}
	if err := r.send(creds, menuMarker); err != nil {
		return "login", err
	}
	loggedIn := time.Since(t1)
	sk.mu.Lock()
	sk.connects = append(sk.connects, connected)
	sk.logins = append(sk.logins, loggedIn)
	sk.mu.Unlock()

	pause := func() error {
		if sk.think == 0 {
			return nil
		}
		return sleepCtx(ctx, time.Duration(float64(sk.think)*(0.5+rng.Float64())))
	}
	steps := []struct {
		key  rune
		name string
		run  func() error
	}{
		{'o', "oneliners", func() error {
			if err := r.send("o", wallMarker); err != nil {
				return err
			}
			if password != "" && rng.IntN(4) == 0 { // now and then, a post (not by anonymous)
				text := fmt.Sprintf("soak %d.%d", id, k)
				if err := r.send("a"+text+"\r", []byte(text+" ")); err != nil {
					return err
				}
			}
			if err := pause(); err != nil {
				return err
			}
			return r.send("q", menuMarker)
		}},
		{'w', "who", func() error {
			if err := r.send("w", whoMarker); err != nil {
				return err
			}
			if err := pause(); err != nil {
				return err
			}
			return r.send("q", menuMarker)
		}},
		{'c', "chat", func() error {
			if err := r.send("c", loungeMarker); err != nil {
				return err
			}
			line := fmt.Sprintf("soak-%d-%d", id, k)
			// As the room shows it, not the echo of the typing.
			if err := r.send(line+"\r", []byte("<"+handle+"> "+line)); err != nil {
				return err
			}
			sk.lines.Add(1)
			// Stay a while, reading what the room says.
			if err := r.drain(ctx, time.Duration(float64(sk.think)*(0.5+rng.Float64()))); err != nil {
				return err
			}
			return r.send("/quit\r", menuMarker)
		}},
	}
	for _, st := range steps {
		if !strings.ContainsRune(sk.screens, st.key) {
			continue
		}
		if err := pause(); err != nil {
			return st.name, err
		}
		if err := st.run(); err != nil {
			return st.name, err
		}
	}
	if err := pause(); err != nil {
		return "leave", err
	}
	if rng.IntN(2) == 0 {
		return "", nil // hang up
	}
	if err := r.send("g", confirmMarker); err != nil {
		return "logoff", err
	}
	if err := r.send("y", []byte("Call again soon")); err != nil {
		return "logoff", err
	}
	return "", nil
}

// screenReader reads a telnet client's screen output, step by step.
type screenReader struct {
	tc   *telnet.ClientConn
	c    net.Conn
	buf  [8192]byte
	tail []byte // the end of what came, for markers split across reads
}

const stepTimeout = 30 * time.Second

// send types s and waits for want.
func (r *screenReader) send(s string, want []byte) error {
	r.c.SetDeadline(time.Now().Add(stepTimeout))
	r.tail = r.tail[:0] // what came before the keys is not an answer
	if _, err := r.tc.Write([]byte(s)); err != nil {
		return err
	}
	return r.wait(want)
}

// expect waits for want without typing anything.
func (r *screenReader) expect(want []byte) error {
	r.c.SetDeadline(time.Now().Add(stepTimeout))
	return r.wait(want)
}

func (r *screenReader) wait(want []byte) error {
	for {
		n, err := r.tc.Read(r.buf[:])
		r.tail = append(r.tail, r.buf[:n]...)
		if bytes.Contains(r.tail, want) {
			r.tail = r.tail[:0]
			return nil
		}
		if len(r.tail) > 4096 {
			r.tail = append(r.tail[:0], r.tail[len(r.tail)-len(want):]...)
		}
		if err != nil {
			return fmt.Errorf("waiting for %q: %w (the last that came: %q)", want, err, lastBytes(r.tail, 80))
		}
	}
}

// drain reads whatever comes for d.
func (r *screenReader) drain(ctx context.Context, d time.Duration) error {
	r.c.SetDeadline(time.Now().Add(d))
	for {
		_, err := r.tc.Read(r.buf[:])
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return ctx.Err()
		}
		if err != nil {
			return err
		}
	}
}

// sleepCtx sleeps for d, or until ctx ends, which it reports.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// quantile returns the p quantile of ds (sorting ds), or 0 for none.
func quantile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[min(len(ds)-1, int(p*float64(len(ds))))]
}

func roundMS(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	if d < 10*time.Millisecond {
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// moreCommands are the subcommands that parse flags of their own; they
// get the -x84 path, if given, and their arguments.
var moreCommands = map[string]func(bin string, args []string) error{
	"soak":       soakCmd,
	"telnetpeer": telnetPeerCmd,
	"report":     reportCmd,
	"chart":      chartCmd,
}
