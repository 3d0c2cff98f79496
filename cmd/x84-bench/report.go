package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// reportCmd is "x84-bench report -dir DIR": it reads what bench/run.sh
// left in DIR (commands.tsv, meta.txt, raw/NAME.out and raw/NAME.err)
// and writes DIR/results.md, DIR/series.tsv and DIR/chart.svg.
//
// commands.tsv has a line per benchmark run: its name, exit status,
// seconds taken and command line, tab-separated. The name says how to
// read its output: chat-N, idle-N, web, connect, login, decode, ssh,
// telnetpeer, soak. Lines "RESULT name x84 peer unit" in any output
// are read as figures too.
func reportCmd(_ string, args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	dir := fs.String("dir", "", "the results directory bench/run.sh wrote")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("report needs -dir DIR")
	}
	runs, err := readCommands(filepath.Join(*dir, "commands.tsv"))
	if err != nil {
		return err
	}
	rep := &report{dir: *dir, chat: map[int][2]float64{}, idle: map[int][2]float64{}}
	for _, r := range runs {
		rep.read(r)
	}
	var rows []seriesRow
	for _, n := range rep.callers() {
		r := seriesRow{callers: n, chatP50: math.NaN(), chatP99: math.NaN(), idleRSS: math.NaN(), idleHeapStacks: math.NaN()}
		if v, ok := rep.chat[n]; ok {
			r.chatP50, r.chatP99 = v[0], v[1]
		}
		if v, ok := rep.idle[n]; ok {
			r.idleRSS, r.idleHeapStacks = v[0], v[1]
		}
		rows = append(rows, r)
	}
	if err := writeFile(filepath.Join(*dir, "series.tsv"), func(w io.Writer) error { return writeSeries(w, rows) }); err != nil {
		return err
	}
	chart := false
	if len(rows) > 0 {
		if err := writeFile(filepath.Join(*dir, "chart.svg"), func(w io.Writer) error { return writeChart(w, rows) }); err != nil {
			return err
		}
		chart = true
	}
	return writeFile(filepath.Join(*dir, "results.md"), func(w io.Writer) error { return rep.markdown(w, chart) })
}

type benchRun struct {
	name    string
	status  int
	seconds string
	command string
}

func readCommands(path string) ([]benchRun, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var runs []benchRun
	for i, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		f := strings.SplitN(line, "\t", 4)
		if len(f) != 4 {
			return nil, fmt.Errorf("%s line %d: want name, status, seconds and command, tab-separated", path, i+1)
		}
		status, err := strconv.Atoi(f[1])
		if err != nil {
			return nil, fmt.Errorf("%s line %d: status %q", path, i+1, f[1])
		}
		runs = append(runs, benchRun{f[0], status, f[2], f[3]})
	}
	return runs, nil
}

// figure is one row of the table; NaN where a side has no figure.
type figure struct {
	name      string
	x84, peer float64
	unit      string
	note      string // instead of the x84 figure, or after it
	run       *benchRun
}

type report struct {
	dir     string
	figures []figure
	failed  []string
	notes   []string
	soak    string             // the soak's output, to show whole
	chat    map[int][2]float64 // callers: p50, p99 ms
	idle    map[int][2]float64 // sessions: RSS, heap+stacks KiB per session
}

func (r *report) add(run *benchRun, name string, x84, peer float64, unit string) {
	r.figures = append(r.figures, figure{name: name, x84: x84, peer: peer, unit: unit, run: run})
}

func (r *report) callers() []int {
	var ns []int
	for n := range r.chat {
		ns = append(ns, n)
	}
	for n := range r.idle {
		if !slices.Contains(ns, n) {
			ns = append(ns, n)
		}
	}
	slices.Sort(ns)
	return ns
}

var (
	chatRE     = regexp.MustCompile(`chat fan-out: a line to (\d+) callers, (\d+) rounds: p50 (\S+)\s+p99 (\S+)\s+max (\S+)`)
	idleHeadRE = regexp.MustCompile(`^(.*): (\d+) \(opened in`)
	perSessRE  = regexp.MustCompile(`^\s*(RSS|heap|stacks)\b.*?(-?[\d.]+) KiB per session`)
	gorRE      = regexp.MustCompile(`^\s*goroutines (\d+) \((-?[\d.]+) per session\)`)
	connectRE  = regexp.MustCompile(`connect to first screen, (\d+) calls, (\d+) at a time: p50 (\S+)\s+p90 (\S+)\s+p99 (\S+)`)
	loginRE    = regexp.MustCompile(`logins: (\d+) by (\d+) callers at once in \S+: ([\d.]+) logins/s; per login p50 (\S+) p99 (\S+)`)
	benchRE    = regexp.MustCompile(`^(Benchmark[^\s-]+)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(?:\s+([\d.]+) MB/s)?(?:\s+(\d+) B/op\s+(\d+) allocs/op)?`)
	resultRE   = regexp.MustCompile(`^RESULT (\S+) (\S+) (\S+) (\S+)\s*$`)
	configRE   = regexp.MustCompile(`^CONFIG (\S+) (.*)$`)
	// What bench/ssh-vs-openssh.sh printed before it had a RESULT block.
	sshMemRE  = regexp.MustCompile(`^(sshd|x84): RSS ([\d.-]+) KiB, PSS ([\d.-]+) KiB per session`)
	sshConnRE = regexp.MustCompile(`^(sshd|x84): ([\d.]+) conn/s`)
	sshGoRE   = regexp.MustCompile(`^(sshd|x84): ssh connections .*: ([\d.]+) conn/s`)
	sftpRE    = regexp.MustCompile(`^(sshd\+sftp-server|x84):\s+upload ([\d.]+) MiB/s, download ([\d.]+) MiB/s`)
)

// read takes the figures out of one run's output.
func (r *report) read(run benchRun) {
	out, _ := os.ReadFile(filepath.Join(r.dir, "raw", run.name+".out"))
	lines := strings.Split(string(out), "\n")
	if run.status != 0 {
		msg := fmt.Sprintf("%s: exit status %d after %s s", run.name, run.status, run.seconds)
		if run.status == 124 {
			msg += " (timed out)"
		}
		errOut, _ := os.ReadFile(filepath.Join(r.dir, "raw", run.name+".err"))
		if tail := lastLines(string(errOut), 3); tail != "" {
			msg += ": " + tail
		}
		r.failed = append(r.failed, msg)
	}
	p := &run
	before := len(r.figures)
	kind, size, _ := strings.Cut(run.name, "-")
	n, _ := strconv.Atoi(size)
	switch kind {
	case "chat":
		for _, l := range lines {
			if m := chatRE.FindStringSubmatch(l); m != nil {
				callers, _ := strconv.Atoi(m[1])
				p50, p99 := durMS(m[3]), durMS(m[4])
				r.chat[callers] = [2]float64{p50, p99}
				r.add(p, fmt.Sprintf("chat fan-out, a line to %s callers, p50", m[1]), p50, math.NaN(), "ms")
				r.add(p, fmt.Sprintf("chat fan-out, a line to %s callers, p99", m[1]), p99, math.NaN(), "ms")
			}
		}
	case "idle", "web":
		r.readIdle(p, lines, kind == "idle", n)
	case "connect":
		for _, l := range lines {
			if m := connectRE.FindStringSubmatch(l); m != nil {
				what := fmt.Sprintf("telnet connect to the login screen, %s calls, %s at a time", m[1], m[2])
				r.add(p, what+", p50", durMS(m[3]), math.NaN(), "ms")
				r.add(p, what+", p99", durMS(m[5]), math.NaN(), "ms")
			}
		}
	case "login":
		for _, l := range lines {
			if m := loginRE.FindStringSubmatch(l); m != nil {
				what := fmt.Sprintf("telnet logins (password), %s callers at once", m[2])
				r.add(p, what, num(m[3]), math.NaN(), "logins/s")
				r.add(p, what+", per login p50", durMS(m[4]), math.NaN(), "ms")
				r.add(p, what+", per login p99", durMS(m[5]), math.NaN(), "ms")
			}
		}
	case "decode":
		for _, l := range lines {
			m := benchRE.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			name := "telnet decoder, " + strings.TrimPrefix(m[1], "Benchmark")
			if m[3] != "" {
				r.add(p, name, num(m[3]), math.NaN(), "MB/s")
			} else {
				r.add(p, name, num(m[2]), math.NaN(), "ns/op")
			}
			if m[5] != "" {
				r.figures[len(r.figures)-1].note = m[5] + " allocs/op"
			}
		}
	case "ssh":
		r.readSSHFallback(p, lines)
	case "soak":
		r.soak = string(out)
	}
	r.readResults(p, lines)
	if run.status == 0 && len(r.figures) == before {
		r.failed = append(r.failed, run.name+": no figures found in its output (raw/"+run.name+".out)")
	}
}

func (r *report) readIdle(p *benchRun, lines []string, telnet bool, n int) {
	title, count := "", ""
	var rss, heap, stacks, gor = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	for _, l := range lines {
		if m := idleHeadRE.FindStringSubmatch(l); m != nil {
			title, count = m[1], m[2]
		}
		if m := perSessRE.FindStringSubmatch(l); m != nil {
			switch m[1] {
			case "RSS":
				rss = num(m[2])
			case "heap":
				heap = num(m[2])
			case "stacks":
				stacks = num(m[2])
			}
		}
		if m := gorRE.FindStringSubmatch(l); m != nil {
			gor = num(m[2])
		}
	}
	if title == "" {
		return
	}
	if c, err := strconv.Atoi(count); err == nil {
		n = c
	}
	what := fmt.Sprintf("memory per session, %d %s", n, title)
	r.add(p, what+": RSS", rss, math.NaN(), "KiB")
	r.add(p, what+": Go heap + stacks", heap+stacks, math.NaN(), "KiB")
	r.add(p, fmt.Sprintf("goroutines per session, %d %s", n, title), gor, math.NaN(), "")
	if telnet {
		r.idle[n] = [2]float64{rss, heap + stacks}
	}
}

// resultNames names the figures of RESULT lines; others show as they are.
var resultNames = map[string]string{
	"mem_rss_per_session":        "ssh: RSS per idle interactive session (pty, shell), vs OpenSSH sshd",
	"mem_pss_per_session":        "ssh: PSS per idle interactive session, vs OpenSSH sshd",
	"goroutines_per_session":     "ssh: goroutines per idle session",
	"go_heap_per_session":        "ssh: Go heap per idle session",
	"go_stack_per_session":       "ssh: Go stacks per idle session",
	"conn_openssh_client":        "ssh: connections/s with OpenSSH's ssh client (one at a time), vs sshd",
	"conn_openssh_client_failed": "ssh: failed connections, OpenSSH's client",
	"conn_go_client":             "ssh: connections/s with a Go client, vs sshd",
	"conn_go_client_failed":      "ssh: failed connections, Go client",
	"sftp_upload":                "sftp upload (OpenSSH's sftp client), vs sshd + sftp-server",
	"sftp_download":              "sftp download (OpenSSH's sftp client), vs sshd + sftp-server",
	"telnet_prompt_go_p50":       `telnet: connect to a login prompt, x84-bench's client, p50 (x84: login screen to "Password:"; peer: inetutils-telnetd + login(1) to "login: ")`,
	"telnet_prompt_go_p99":       "telnet: connect to a login prompt, x84-bench's client, p99 (as above)",
	"telnet_prompt_telnet_p50":   "telnet: start of Debian's telnet under a pty to a login prompt, p50 (as above)",
	"telnet_prompt_telnet_p99":   "telnet: start of Debian's telnet under a pty to a login prompt, p99 (as above)",
	"soak_calls":                 "soak: calls that went through every step",
	"soak_failed_calls":          "soak: calls that failed at some step",
	"soak_goroutines_left_after": "soak: goroutines left once all hung up (against the start)",
	"soak_rss_growth":            "soak: RSS growth after the warm-up (a line through the floors of the samples)",
	"soak_heap_growth":           "soak: Go heap (after a GC) growth after the warm-up (a line through the floors of the samples)",
	"soak_server_errors":         "soak: errors the server logged during the churn",
	"soak_rss_trend":             "soak: RSS trend after the warm-up",
}

func (r *report) readResults(p *benchRun, lines []string) {
	for _, l := range lines {
		if m := configRE.FindStringSubmatch(l); m != nil {
			r.notes = append(r.notes, fmt.Sprintf("%s: %s %s", p.name, m[1], strings.TrimSpace(m[2])))
			continue
		}
		m := resultRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		name := m[1]
		if human, ok := resultNames[name]; ok {
			name = human
		}
		unit := m[4]
		if unit == "count" {
			unit = ""
		}
		r.add(p, name, num(m[2]), num(m[3]), unit)
	}
}

// readSSHFallback reads bench/ssh-vs-openssh.sh's human lines when it
// printed no RESULT lines (an older version of it).
func (r *report) readSSHFallback(p *benchRun, lines []string) {
	for _, l := range lines {
		if resultRE.MatchString(l) {
			return
		}
	}
	vals := map[string]float64{}
	for _, l := range lines {
		if m := sshMemRE.FindStringSubmatch(l); m != nil {
			vals["rss_"+m[1]], vals["pss_"+m[1]] = num(m[2]), num(m[3])
		} else if m := sshGoRE.FindStringSubmatch(l); m != nil {
			vals["go_"+m[1]] = num(m[2])
		} else if m := sshConnRE.FindStringSubmatch(l); m != nil {
			vals["conn_"+m[1]] = num(m[2])
		} else if m := sftpRE.FindStringSubmatch(l); m != nil {
			side := strings.TrimSuffix(m[1], "+sftp-server")
			vals["up_"+side], vals["down_"+side] = num(m[2]), num(m[3])
		}
	}
	get := func(k string) float64 {
		if v, ok := vals[k]; ok {
			return v
		}
		return math.NaN()
	}
	for _, f := range []struct{ key, result, unit string }{
		{"rss", "mem_rss_per_session", "KiB"}, {"pss", "mem_pss_per_session", "KiB"},
		{"conn", "conn_openssh_client", "conn/s"}, {"go", "conn_go_client", "conn/s"},
		{"up", "sftp_upload", "MiB/s"}, {"down", "sftp_download", "MiB/s"},
	} {
		x, s := get(f.key+"_x84"), get(f.key+"_sshd")
		if !math.IsNaN(x) || !math.IsNaN(s) {
			r.add(p, resultNames[f.result], x, s, f.unit)
		}
	}
}

func (r *report) markdown(w io.Writer, chart bool) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "# x84 benchmark results")
	fmt.Fprintln(bw)
	if meta, err := os.ReadFile(filepath.Join(r.dir, "meta.txt")); err == nil {
		for _, l := range strings.Split(strings.TrimSpace(string(meta)), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				fmt.Fprintf(bw, "- %s\n", l)
			}
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintln(bw, "x84/peer is x84's figure divided by the peer's: for times and memory below 1 favours x84,"+
		" for rates (/s) above 1 does. Every server ran on loopback with its clients in another process;"+
		" the commands ran from the results' build (x84 and x84-bench in run.sh's temporary directory).")
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, "| figure | x84 | peer | x84/peer | command |")
	fmt.Fprintln(bw, "|---|--:|--:|--:|---|")
	// Comparisons first, then x84's own figures in the order they ran.
	figs := slices.Clone(r.figures)
	slices.SortStableFunc(figs, func(a, b figure) int {
		pa, pb := !math.IsNaN(a.peer), !math.IsNaN(b.peer)
		switch {
		case pa && !pb:
			return -1
		case pb && !pa:
			return 1
		}
		return 0
	})
	for _, f := range figs {
		x84 := formatValue(f.x84, f.unit)
		if f.note != "" {
			x84 += " (" + f.note + ")"
		}
		ratio := "-"
		if !math.IsNaN(f.x84) && !math.IsNaN(f.peer) && f.peer != 0 {
			ratio = formatRatio(f.x84 / f.peer)
		}
		fmt.Fprintf(bw, "| %s | %s | %s | %s | `%s` |\n", cell(f.name), cell(x84), cell(formatValue(f.peer, f.unit)),
			ratio, strings.ReplaceAll(f.run.command, "|", `\|`))
	}
	if len(r.notes) > 0 {
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, "Settings the comparisons reported:")
		fmt.Fprintln(bw)
		for _, n := range r.notes {
			fmt.Fprintf(bw, "- %s\n", n)
		}
	}
	if chart {
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, "## Chat latency and memory per session against callers")
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, "![chat fan-out latency and memory per idle telnet session against the number of callers](chart.svg)")
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, "The figures of the chart are in series.tsv.")
	}
	if r.soak != "" {
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, "## Soak")
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, "```text")
		fmt.Fprint(bw, strings.TrimRight(r.soak, "\n")+"\n")
		fmt.Fprintln(bw, "```")
	}
	if len(r.failed) > 0 {
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, "## What did not work")
		fmt.Fprintln(bw)
		for _, f := range r.failed {
			fmt.Fprintf(bw, "- %s\n", cell(f))
		}
	}
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, "Every run's whole output is in raw/ (NAME.out, NAME.err); commands.tsv lists the runs, their exit status and seconds.")
	return bw.Flush()
}

func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

func formatValue(v float64, unit string) string {
	if math.IsNaN(v) {
		return "-"
	}
	s := valueLabel(v)
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		s = strconv.FormatFloat(v, 'f', 0, 64)
	}
	if unit == "" {
		return s
	}
	if unit == "%" {
		return s + "%"
	}
	return s + " " + unit
}

// formatRatio shows two decimals, or two significant digits for a small
// ratio (0.0049, not 0.00).
func formatRatio(r float64) string {
	if math.Abs(r) < 0.1 && r != 0 {
		return strconv.FormatFloat(r, 'g', 2, 64)
	}
	return strconv.FormatFloat(r, 'f', 2, 64)
}

// durMS reads a Go duration ("1.234ms", "850µs") as milliseconds.
func durMS(s string) float64 {
	d, err := time.ParseDuration(s)
	if err != nil {
		return math.NaN()
	}
	return ms(d)
}

// num reads a number; "-" or anything else is NaN.
func num(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return v
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], " / ")
}
