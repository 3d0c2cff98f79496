package webadmin

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/x84bbs/x84/internal/metrics"
)

// The charts' drawing area, in SVG user units (the page scales it).
const (
	chartW, chartH         = 720, 180
	chartLeft, chartBottom = 44, 22
	chartTop, chartRight   = 8, 8
	plotW                  = chartW - chartLeft - chartRight
	plotH                  = chartH - chartTop - chartBottom
	chartSpan              = 24 * time.Hour
	chartTicks             = 4 // horizontal lines above zero
	chartHours             = 6 // hours between the time labels
	chartMinTop            = 4 // the least top of the value axis
)

// chart is one chart drawn as inline SVG: everything in it is numbers
// or text of ours.
type chart struct {
	Title, Summary string
	W, H           int
	Series         []series
	Grid           []gridLine
	Times          []timeLabel
	Left, Bottom   int // the plot's left and bottom edges
	Right          int
}

type series struct {
	Class, Label string
	Points       string // the polyline's "x,y x,y …"
}

type gridLine struct {
	Y     float64
	Label string
}

type timeLabel struct {
	X     float64
	Label string
}

type chartsData struct {
	Charts  []chart
	Every   string
	Now     int
	Peak    int
	OK, Bad uint64
}

// charts draws the sessions and the logins of the last day from the
// metrics' history.
func (h *Handler) charts(q *request) {
	now := time.Now()
	points := h.cfg.History.Points(now)
	start := now.Add(-chartSpan)
	var d chartsData
	for _, p := range points {
		d.Peak = max(d.Peak, p.Sessions)
		d.OK += p.LoginsOK
		d.Bad += p.LoginsFailed
	}
	if len(points) > 0 {
		d.Now = points[len(points)-1].Sessions
	}
	d.Every = interval(h.cfg.History.Every())
	d.Charts = []chart{
		drawChart("Sessions", fmt.Sprintf("now %d, peak %d", d.Now, d.Peak), points, start, now,
			[]seriesOf{{"sessions", "sessions", func(p metrics.Point) float64 { return float64(p.Sessions) }}}),
		drawChart("Logins per "+d.Every, fmt.Sprintf("%d succeeded, %d failed", d.OK, d.Bad), points, start, now,
			[]seriesOf{
				{"logins-ok", "succeeded", func(p metrics.Point) float64 { return float64(p.LoginsOK) }},
				{"logins-failed", "failed", func(p metrics.Point) float64 { return float64(p.LoginsFailed) }},
			}),
	}
	q.render(http.StatusOK, "charts", "Charts", d)
}

// seriesOf picks one value of each point.
type seriesOf struct {
	class, label string
	value        func(metrics.Point) float64
}

// drawChart lays out the points from start to end.
func drawChart(title, summary string, points []metrics.Point, start, end time.Time, of []seriesOf) chart {
	top := float64(chartMinTop)
	for _, p := range points {
		for _, s := range of {
			top = max(top, s.value(p))
		}
	}
	top = niceTop(top)
	c := chart{Title: title, Summary: summary, W: chartW, H: chartH, Left: chartLeft, Bottom: chartH - chartBottom, Right: chartW - chartRight}
	span := end.Sub(start).Seconds()
	x := func(t time.Time) float64 {
		return chartLeft + max(0, min(1, t.Sub(start).Seconds()/span))*plotW
	}
	y := func(v float64) float64 { return chartTop + plotH - v/top*plotH }
	for _, s := range of {
		var b strings.Builder
		for _, p := range points {
			if p.At.Before(start) {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(num(x(p.At)) + "," + num(y(s.value(p))))
		}
		c.Series = append(c.Series, series{Class: s.class, Label: s.label, Points: b.String()})
	}
	for i := 0; i <= chartTicks; i++ {
		v := top * float64(i) / chartTicks
		c.Grid = append(c.Grid, gridLine{Y: y(v), Label: num(v)})
	}
	for t := end.Truncate(chartHours * time.Hour); !t.Before(start); t = t.Add(-chartHours * time.Hour) {
		c.Times = append(c.Times, timeLabel{X: x(t), Label: t.UTC().Format("15:04")})
	}
	return c
}

// niceTop rounds the top of the value axis up to 1, 2 or 5 times a
// power of ten, times chartTicks, so the grid's labels are round.
func niceTop(v float64) float64 {
	step := 1.0
	for {
		for _, m := range []float64{1, 2, 5} {
			if m*step*chartTicks >= v {
				return m * step * chartTicks
			}
		}
		step *= 10
	}
}

// num writes a coordinate or a label with at most one decimal.
func num(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// interval writes the charts' interval as a sysop would: "5m", "1h",
// "90s".
func interval(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	case d >= time.Minute && d%time.Minute == 0:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	}
	return d.String()
}
