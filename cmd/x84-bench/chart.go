package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// chartCmd is "x84-bench chart -in SERIES.tsv -out CHART.svg": the chart
// of chat latency and memory per session against the number of callers,
// from the series file that "x84-bench report" writes.
func chartCmd(_ string, args []string) error {
	fs := flag.NewFlagSet("chart", flag.ContinueOnError)
	in := fs.String("in", "", "the series: a header line, then one line per number of callers (tab-separated)")
	out := fs.String("out", "chart.svg", "the SVG to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" {
		return errors.New("chart needs -in SERIES.tsv")
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := readSeries(f)
	if err != nil {
		return err
	}
	return writeFile(*out, func(w io.Writer) error { return writeChart(w, rows) })
}

// seriesRow is one number of callers and the figures at it; NaN where a
// figure is missing.
type seriesRow struct {
	callers                 int
	chatP50, chatP99        float64 // ms
	idleRSS, idleHeapStacks float64 // KiB per session
}

var seriesHeader = []string{"callers", "chat_p50_ms", "chat_p99_ms", "idle_rss_kib", "idle_heap_stack_kib"}

func writeSeries(w io.Writer, rows []seriesRow) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, strings.Join(seriesHeader, "\t"))
	f := func(v float64) string {
		if math.IsNaN(v) {
			return "-"
		}
		return strconv.FormatFloat(v, 'f', 3, 64)
	}
	for _, r := range rows {
		fmt.Fprintf(bw, "%d\t%s\t%s\t%s\t%s\n", r.callers, f(r.chatP50), f(r.chatP99), f(r.idleRSS), f(r.idleHeapStacks))
	}
	return bw.Flush()
}

func readSeries(r io.Reader) ([]seriesRow, error) {
	sc := bufio.NewScanner(r)
	var rows []seriesRow
	for line := 1; sc.Scan(); line++ {
		fields := strings.Split(strings.TrimSpace(sc.Text()), "\t")
		if line == 1 || len(fields) == 1 && fields[0] == "" {
			continue // the header, or an empty line
		}
		if len(fields) != len(seriesHeader) {
			return nil, fmt.Errorf("series line %d: %d fields, want %d", line, len(fields), len(seriesHeader))
		}
		n, err := strconv.Atoi(fields[0])
		if err != nil || n < 1 {
			return nil, fmt.Errorf("series line %d: callers %q", line, fields[0])
		}
		v := make([]float64, 4)
		for i := range v {
			v[i] = math.NaN()
			if fields[i+1] != "-" {
				if v[i], err = strconv.ParseFloat(fields[i+1], 64); err != nil {
					return nil, fmt.Errorf("series line %d: %w", line, err)
				}
			}
		}
		rows = append(rows, seriesRow{n, v[0], v[1], v[2], v[3]})
	}
	return rows, sc.Err()
}

// A line of a panel: a value for each number of callers, NaN for none.
type chartSeries struct {
	name, color string
	values      []float64
}

const (
	panelW, panelH = 480, 340
	chartW         = 2*panelW + 60
	chartH         = panelH + 70
)

// writeChart draws two panels side by side: chat fan-out latency, and
// memory per idle telnet session, against the number of callers (evenly
// spaced, not to scale).
func writeChart(w io.Writer, rows []seriesRow) error {
	if len(rows) == 0 {
		return errors.New("chart: no figures")
	}
	labels := make([]string, len(rows))
	col := func(f func(seriesRow) float64) []float64 {
		v := make([]float64, len(rows))
		for i, r := range rows {
			v[i] = f(r)
		}
		return v
	}
	for i, r := range rows {
		labels[i] = callersLabel(r.callers)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="DejaVu Sans, Arial, Helvetica, sans-serif">`+"\n",
		chartW, chartH, chartW, chartH)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", chartW, chartH)
	fmt.Fprintf(&b, `<text x="%d" y="24" font-size="17" font-weight="bold" text-anchor="middle">x84 under load: chat latency and memory per session against callers</text>`+"\n", chartW/2)
	drawPanel(&b, 20, 40, "Chat fan-out latency (one line to every caller)", "milliseconds", labels, []chartSeries{
		{"p50", "#1f77b4", col(func(r seriesRow) float64 { return r.chatP50 })},
		{"p99", "#d62728", col(func(r seriesRow) float64 { return r.chatP99 })},
	})
	drawPanel(&b, 20+panelW+20, 40, "Memory per idle telnet session", "KiB per session", labels, []chartSeries{
		{"RSS", "#2ca02c", col(func(r seriesRow) float64 { return r.idleRSS })},
		{"Go heap + stacks", "#9467bd", col(func(r seriesRow) float64 { return r.idleHeapStacks })},
	})
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func callersLabel(n int) string {
	if n >= 1000 && n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	if n >= 1000 && n%100 == 0 {
		return fmt.Sprintf("%.1fk", float64(n)/1000)
	}
	return strconv.Itoa(n)
}

// drawPanel draws one panel with its top left corner at x0, y0.
func drawPanel(b *strings.Builder, x0, y0 int, title, yLabel string, labels []string, series []chartSeries) {
	// The plot area inside the panel, with room for the labels.
	left, right, top, bottom := float64(x0+70), float64(x0+panelW-15), float64(y0+50), float64(y0+panelH-45)
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#ccc"/>`+"\n", x0, y0, panelW, panelH)
	fmt.Fprintf(b, `<text x="%d" y="%d" font-size="14" font-weight="bold" text-anchor="middle">%s</text>`+"\n",
		x0+panelW/2, y0+20, html.EscapeString(title))

	lo, hi := 0.0, 0.0
	found := false
	for _, s := range series {
		for _, v := range s.values {
			if !math.IsNaN(v) {
				lo, hi, found = math.Min(lo, v), math.Max(hi, v), true
			}
		}
	}
	if !found {
		fmt.Fprintf(b, `<text x="%.0f" y="%.0f" font-size="13" text-anchor="middle" fill="#666">no figures</text>`+"\n",
			(left+right)/2, (top+bottom)/2)
		return
	}
	ticks := niceTicks(lo, hi)
	ymin, ymax := ticks[0], ticks[len(ticks)-1]
	y := func(v float64) float64 { return bottom - (v-ymin)/(ymax-ymin)*(bottom-top) }
	x := func(i int) float64 {
		if len(labels) == 1 {
			return (left + right) / 2
		}
		pad := (right - left) * 0.08
		return left + pad + float64(i)*(right-left-2*pad)/float64(len(labels)-1)
	}
	// Grid and the y axis's figures.
	for _, t := range ticks {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>`+"\n", left, y(t), right, y(t),
			map[bool]string{true: "#888", false: "#e5e5e5"}[t == 0])
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="12" text-anchor="end">%s</text>`+"\n", left-6, y(t)+4, tickLabel(t))
	}
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#444"/>`+"\n", left, top, left, bottom)
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#444"/>`+"\n", left, bottom, right, bottom)
	fmt.Fprintf(b, `<text transform="translate(%d,%.1f) rotate(-90)" font-size="13" text-anchor="middle">%s</text>`+"\n",
		x0+18, (top+bottom)/2, html.EscapeString(yLabel))
	// The x axis: the numbers of callers.
	for i, l := range labels {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#444"/>`+"\n", x(i), bottom, x(i), bottom+5)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="12" text-anchor="middle">%s</text>`+"\n", x(i), bottom+19, html.EscapeString(l))
	}
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="13" text-anchor="middle">callers</text>`+"\n", (left+right)/2, bottom+37)
	// The lines, their points and values, and the legend.
	for k, s := range series {
		var path []string
		for i, v := range s.values {
			if math.IsNaN(v) {
				if len(path) > 1 {
					fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", s.color, strings.Join(path, " "))
				}
				path = path[:0]
				continue
			}
			path = append(path, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
		}
		if len(path) > 1 {
			fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", s.color, strings.Join(path, " "))
		}
		for i, v := range s.values {
			if math.IsNaN(v) {
				continue
			}
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>`+"\n", x(i), y(v), s.color)
			// Above the point if it is the highest there, else below:
			// the labels of close lines do not cover each other.
			dy := -8.0
			for _, o := range series {
				if i < len(o.values) && o.values[i] > v {
					dy = 16
				}
			}
			lx, anchor := x(i), "middle"
			if dy > 0 && y(v)+dy > bottom-2 { // it would sit on the axis: to the right
				lx, dy, anchor = lx+7, 4, "start"
			}
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="%s" fill="%s">%s</text>`+"\n",
				lx, y(v)+dy, anchor, s.color, valueLabel(v))
		}
		lx, ly := left+12+float64(k)*150, float64(y0+38)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="3"/>`+"\n", lx, ly, lx+22, ly, s.color)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="12">%s</text>`+"\n", lx+28, ly+4, html.EscapeString(s.name))
	}
}

// niceTicks returns five or so round values from at most lo to at least
// hi, 0 among them when lo is 0.
func niceTicks(lo, hi float64) []float64 {
	if hi <= lo {
		hi = lo + 1
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag * 10
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	first := math.Floor(lo/step) * step
	var ticks []float64
	for t := first; t < hi+step*0.999; t += step {
		ticks = append(ticks, math.Round(t/step)*step)
	}
	if len(ticks) < 2 {
		ticks = append(ticks, first+step)
	}
	return ticks
}

func tickLabel(v float64) string {
	return strconv.FormatFloat(v, 'g', 6, 64) // 0.3, not 0.30000000000000004
}

func valueLabel(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

// writeFile writes a file through write, whole or not at all.
func writeFile(path string, write func(io.Writer) error) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
